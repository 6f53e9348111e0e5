//! The split read (several threads) against the sequential read on arbitrary text: when the
//! split read gives a tree, it is exactly the sequential one. Inputs shorter than the split
//! threshold are prefixed with a list, so most of them are cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litellm_check::syntax::yaml::read_sequential;
use litellm_check::syntax::yaml_split::read_split;
use litellm_check::syntax::{FileId, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(fuzzed) = std::str::from_utf8(data) else {
        return;
    };
    let text = format!("model_list:\n  - a: 1\n  - b: 2\n{fuzzed}\n  - c: 3\n  - d: 4\nother: 5\n");
    let limits = Limits { max_bytes: 4 << 20, max_depth: 64, max_nodes: 400_000, ..Limits::default() };
    let Some(split) = read_split(&text, FileId(0), &limits, 2 + data.len() % 3) else {
        return;
    };
    match read_sequential(&text, FileId(0), &limits) {
        Ok(whole) => assert_eq!(
            format!("{:?} {:?}", whole.root, whole.issues),
            format!("{:?} {:?}", split.root, split.issues),
            "split read differs"
        ),
        Err(e) => panic!("the sequential read fails ({e:?}) but the split read succeeded"),
    }
});
