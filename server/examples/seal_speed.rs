//! How fast one core hashes (SHA-256) and seals (XChaCha20-Poly1305 STREAM)
//! document bytes in memory: the CPU cost under every upload.
//! Usage: `cargo run --release --example seal_speed [MiB]`.

use sha2::{Digest, Sha256};
use std::time::Instant;
use visadesk_server::documents::crypto::{associated_data, MasterKey, Sealer};

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(512);
    let piece = vec![7u8; 256 * 1024];
    let pieces = mib * 4;
    let total = (pieces * piece.len()) as f64 / 1e6;

    let started = Instant::now();
    let mut hasher = Sha256::new();
    for _ in 0..pieces {
        hasher.update(&piece);
    }
    let digest = hasher.finalize();
    let hash_secs = started.elapsed().as_secs_f64();

    let Ok((master, _)) = MasterKey::generate() else {
        eprintln!("no randomness");
        return;
    };
    let Ok((key, _)) = master.new_data_key() else {
        eprintln!("no data key");
        return;
    };
    let Ok((mut sealer, _header)) = Sealer::new(&key, associated_data("bench", 1)) else {
        eprintln!("no sealer");
        return;
    };
    let started = Instant::now();
    let mut sealed = 0usize;
    for _ in 0..pieces {
        sealed += sealer.update(&piece).map(|v| v.len()).unwrap_or(0);
    }
    sealed += sealer.finish().map(|v| v.len()).unwrap_or(0);
    let seal_secs = started.elapsed().as_secs_f64();

    println!(
        "{mib} MiB in memory, one core (digest {:02x}{:02x}…, {sealed} sealed bytes)",
        digest[0], digest[1]
    );
    println!(
        "  SHA-256:                      {:7.0} MB/s",
        total / hash_secs
    );
    println!(
        "  XChaCha20-Poly1305 STREAM:    {:7.0} MB/s",
        total / seal_secs
    );
    println!(
        "  both, one after the other:    {:7.0} MB/s",
        total / (hash_secs + seal_secs)
    );
}
