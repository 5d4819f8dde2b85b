//! Room in the browser bundle's read-only data for `--split` to lay it out.
//!
//! `cargo leptos build --split` (wasm-split) moves each page's constants,
//! its catalogue text among them, into the WASM module of that page. It
//! lays each module's share out again, aligned, and if that comes to more
//! bytes than the linked segment held, it gives up and keeps the whole
//! segment in the main module, which every first visit downloads (it did so
//! by 185 bytes for the English bundle, adding 42 KB to the sign-in page).
//! The bytes below are kept by the linker (`#[used]`) but read by no code,
//! so the splitter places them in no module: they cost nothing in any
//! output file and give the layout this much room.
//! `scripts/build-language-bundles` fails if the splitter gives up anyway.

/// Never read; see the module documentation.
#[used]
static LAYOUT_ROOM: [u8; 8192] = [0x5a; 8192];
