//! How fast one core hashes (SHA-256) and seals document bytes in memory, in
//! each sealed format (v1 XChaCha20-Poly1305, v2 AES-256-GCM, both STREAM):
//! the CPU cost under every upload.
//! Usage: `cargo run --release --example seal_speed [MiB]`.

use sha2::{Digest, Sha256};
use std::time::Instant;
use visadesk_server::documents::crypto::{associated_data, Format, MasterKey, Sealer};

/// Seconds to seal `pieces` copies of `piece` in `format`, or why not.
fn seal_secs(format: Format, piece: &[u8], pieces: usize) -> Result<f64, String> {
    let (master, _) = MasterKey::generate().map_err(|e| e.to_string())?;
    let (key, _) = master.new_data_key().map_err(|e| e.to_string())?;
    let (mut sealer, _header) = Sealer::with_format(format, &key, associated_data("bench", 1))
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut sealed = 0usize;
    for _ in 0..pieces {
        sealed += sealer.update(piece).map_err(|e| e.to_string())?.len();
    }
    sealed += sealer.finish().map_err(|e| e.to_string())?.len();
    let secs = started.elapsed().as_secs_f64();
    std::hint::black_box(sealed);
    Ok(secs)
}

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
    println!(
        "{mib} MiB in memory, one core (digest {:02x}{:02x}…)",
        digest[0], digest[1]
    );
    println!(
        "  SHA-256:                           {:7.0} MB/s",
        total / hash_secs
    );

    for (label, format) in [
        ("v1 XChaCha20-Poly1305 STREAM", Format::V1XChaCha20Poly1305),
        ("v2 AES-256-GCM STREAM (current)", Format::V2Aes256Gcm),
    ] {
        match seal_secs(format, &piece, pieces) {
            Ok(secs) => println!(
                "  {label:<32}  {:7.0} MB/s (with SHA-256, one after the other: {:.0} MB/s)",
                total / secs,
                total / (hash_secs + secs)
            ),
            Err(e) => eprintln!("  {label}: {e}"),
        }
    }
}
