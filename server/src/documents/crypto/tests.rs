//! Round trips in every format, and every way a sealed file can be wrong.

use super::*;

const FORMATS: [Format; 2] = [Format::V1XChaCha20Poly1305, Format::V2Aes256Gcm];

fn seal(master: &MasterKey, data: &[u8], aad: &[u8], piece: usize) -> (Vec<u8>, Vec<u8>) {
    seal_as(Format::CURRENT, master, data, aad, piece)
}

fn seal_as(
    format: Format,
    master: &MasterKey,
    data: &[u8],
    aad: &[u8],
    piece: usize,
) -> (Vec<u8>, Vec<u8>) {
    let (key, wrapped) = master.new_data_key().unwrap();
    let (mut sealer, mut out) = Sealer::with_format(format, &key, aad.to_vec()).unwrap();
    for part in data.chunks(piece.max(1)) {
        out.extend(sealer.update(part).unwrap());
    }
    out.extend(sealer.finish().unwrap());
    (out, wrapped)
}

fn open(
    master: &MasterKey,
    wrapped: &[u8],
    sealed: &[u8],
    aad: &[u8],
    piece: usize,
) -> Result<Vec<u8>, CryptoError> {
    let key = master.unwrap_data_key(master.id(), wrapped)?;
    let mut opener = Opener::new(key, aad.to_vec());
    let mut out = Vec::new();
    for part in sealed.chunks(piece.max(1)) {
        out.extend(opener.update(part)?);
    }
    out.extend(opener.finish()?);
    Ok(out)
}

#[test]
fn version_2_is_the_stream_be32_construction_byte_for_byte() {
    use aes_gcm::aead::stream::EncryptorBE32 as ReferenceStream;
    let (master, _) = MasterKey::generate().unwrap();
    let (key, wrapped) = master.new_data_key().unwrap();
    let aad = associated_data("doc", 3);
    let data = bytes(3 * CHUNK + 77);
    let (mut sealer, mut ours) =
        Sealer::with_format(Format::V2Aes256Gcm, &key, aad.clone()).unwrap();
    ours.extend(sealer.update(&data).unwrap());
    ours.extend(sealer.finish().unwrap());

    // The same key and nonce prefix through RustCrypto's StreamBE32.
    let header_len = Format::V2Aes256Gcm.header_len();
    let mut reference = ours[..header_len].to_vec();
    let mut stream = ReferenceStream::from_aead(
        aes_gcm::Aes256Gcm::new((&key.0).into()),
        ours[PREAMBLE..header_len].into(),
    );
    let tail = &data[3 * CHUNK..];
    for chunk in data[..3 * CHUNK].chunks(CHUNK) {
        reference.extend(
            stream
                .encrypt_next(Payload {
                    msg: chunk,
                    aad: &aad,
                })
                .unwrap(),
        );
    }
    reference.extend(
        stream
            .encrypt_last(Payload {
                msg: tail,
                aad: &aad,
            })
            .unwrap(),
    );

    assert_eq!(ours.len(), reference.len());
    assert!(
        ours == reference,
        "aws-lc-rs and RustCrypto sealed different bytes"
    );
    assert_eq!(
        open(&master, &wrapped, &reference, &aad, 4096).unwrap(),
        data
    );
}

fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn every_size_round_trips_in_every_format_whatever_the_write_pieces() {
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    for format in FORMATS {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7] {
            let data = bytes(n);
            for piece in [1000, 4096, CHUNK, 100_000] {
                let (sealed, wrapped) = seal_as(format, &master, &data, &aad, piece);
                assert_eq!(
                    sealed.len(),
                    format.header_len() + n + (n / CHUNK + 1) * TAG
                        - if n > 0 && n % CHUNK == 0 { TAG } else { 0 }
                );
                for read in [1, 777, SEALED_CHUNK, 1 << 20] {
                    if read == 1 && n > CHUNK {
                        continue;
                    }
                    assert_eq!(
                        open(&master, &wrapped, &sealed, &aad, read).unwrap(),
                        data,
                        "{format:?}, {n} bytes"
                    );
                }
            }
        }
    }
}

#[test]
fn new_documents_are_sealed_with_aes_gcm_and_the_format_is_in_the_header() {
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    let (sealed, _) = seal(&master, b"%PDF-1.7", &aad, 8);
    assert_eq!(Format::CURRENT, Format::V2Aes256Gcm);
    assert_eq!(&sealed[..6], b"VDOC\x00\x02");
    let (old, _) = seal_as(Format::V1XChaCha20Poly1305, &master, b"x", &aad, 1);
    assert_eq!(&old[..6], b"VDOC\x00\x01");
}

#[test]
fn the_same_key_and_bytes_seal_differently_in_each_format() {
    // Each format opens only its own bytes: a v1 file relabelled v2
    // (or the reverse) is refused, not misread.
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    for (format, other) in [(FORMATS[0], [0u8, 2]), (FORMATS[1], [0u8, 1])] {
        let (mut sealed, wrapped) = seal_as(format, &master, &bytes(5000), &aad, 5000);
        sealed[4..6].copy_from_slice(&other);
        assert!(matches!(
            open(&master, &wrapped, &sealed, &aad, 4096),
            Err(CryptoError::Tampered | CryptoError::Truncated)
        ));
    }
}

#[test]
fn an_unknown_format_version_is_refused() {
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    let (mut sealed, wrapped) = seal(&master, &bytes(100), &aad, 100);
    sealed[5] = 9;
    assert_eq!(
        open(&master, &wrapped, &sealed, &aad, 4096),
        Err(CryptoError::BadHeader)
    );
}

#[test]
fn a_changed_byte_anywhere_is_detected() {
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    for format in FORMATS {
        let (sealed, wrapped) = seal_as(format, &master, &bytes(2 * CHUNK + 10), &aad, 5000);
        let header = format.header_len();
        for at in [0, 5, header - 1, header, header + CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 0x01;
            let err = open(&master, &wrapped, &bad, &aad, 4096).unwrap_err();
            assert!(
                matches!(
                    err,
                    CryptoError::Tampered | CryptoError::BadHeader | CryptoError::Truncated
                ),
                "{format:?}, byte {at}: {err:?}"
            );
        }
    }
}

#[test]
fn a_file_cut_short_or_swapped_is_refused() {
    let (master, _) = MasterKey::generate().unwrap();
    let aad = associated_data("doc-1", 1);
    for format in FORMATS {
        let (sealed, wrapped) = seal_as(format, &master, &bytes(2 * CHUNK + 10), &aad, CHUNK);
        let header = format.header_len();
        // Without its last chunk, and without its last two.
        let cut = &sealed[..header + 2 * SEALED_CHUNK];
        assert_eq!(
            open(&master, &wrapped, cut, &aad, 4096),
            Err(CryptoError::Truncated)
        );
        let cut = &sealed[..header + SEALED_CHUNK];
        assert_eq!(
            open(&master, &wrapped, cut, &aad, 4096),
            Err(CryptoError::Truncated)
        );
        for short in [3, PREAMBLE, header] {
            assert_eq!(
                open(&master, &wrapped, &sealed[..short], &aad, 4096),
                Err(CryptoError::Truncated)
            );
        }
        // Another document's (or version's) bytes under this one's row.
        let other = associated_data("doc-1", 2);
        assert_eq!(
            open(&master, &wrapped, &sealed, &other, 4096),
            Err(CryptoError::Tampered)
        );
    }
}

#[test]
fn only_the_right_master_key_opens_a_document() {
    let (master, text) = MasterKey::generate().unwrap();
    let again = MasterKey::from_base64(&text).unwrap();
    assert_eq!(again.id(), master.id());
    let (_, wrapped) = master.new_data_key().unwrap();
    assert!(again.unwrap_data_key(master.id(), &wrapped).is_ok());

    let (other, _) = MasterKey::generate().unwrap();
    assert!(matches!(
        other.unwrap_data_key(master.id(), &wrapped),
        Err(CryptoError::OtherMasterKey { .. })
    ));
    // Same id claimed, different key: the wrap does not open.
    let mut forged = wrapped.clone();
    forged[30] ^= 0xff;
    assert!(matches!(
        master.unwrap_data_key(master.id(), &forged),
        Err(CryptoError::WrongKey)
    ));
    assert_eq!(
        MasterKey::from_base64("c2hvcnQ=").unwrap_err(),
        CryptoError::BadMasterKey
    );
    assert!(
        !format!("{master:?}").contains(&text),
        "Debug never shows the key"
    );
}

#[test]
fn a_sealed_secret_opens_only_with_its_key_and_context() {
    let (master, _) = MasterKey::generate().unwrap();
    let (other, _) = MasterKey::generate().unwrap();
    let sealed = master.seal_secret(b"authenticator key", "totp:u1").unwrap();
    assert_eq!(
        master.open_secret(master.id(), &sealed, "totp:u1").unwrap(),
        b"authenticator key"
    );
    // Another user's context, another key, a changed byte: refused.
    assert!(master.open_secret(master.id(), &sealed, "totp:u2").is_err());
    assert!(other.open_secret(master.id(), &sealed, "totp:u1").is_err());
    let mut changed = sealed.clone();
    changed[30] ^= 1;
    assert!(master
        .open_secret(master.id(), &changed, "totp:u1")
        .is_err());
    assert!(master
        .open_secret(master.id(), &sealed[..20], "totp:u1")
        .is_err());
    // A wrapped data key is not a secret, nor the other way round.
    let (_, wrapped) = master.new_data_key().unwrap();
    assert!(master.open_secret(master.id(), &wrapped, "").is_err());
}
