//! The README's error table is the one the server answers with: it is
//! rendered from `violations::TABLE`, and this test fails when the two
//! drift apart. `SNAPGUARD_BLESS=1 cargo test -p snapguard-server --test
//! endpoint readme` rewrites the README's table from the code.

use snapguard_server::violations::table_markdown;

const START: &str = "<!-- violation-table:start -->\n";
const END: &str = "<!-- violation-table:end -->";

#[test]
fn the_readme_error_table_is_the_servers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md is readable");
    let start = readme
        .find(START)
        .expect("the README marks the table's start")
        + START.len();
    let end = readme.find(END).expect("the README marks the table's end");
    assert!(start <= end, "the table's markers are out of order");
    let expected = table_markdown();
    let found = &readme[start..end];
    if found == expected {
        return;
    }
    if std::env::var_os("SNAPGUARD_BLESS").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "README.md's violation table differs from violations::TABLE; run \
         `SNAPGUARD_BLESS=1 cargo test -p snapguard-server --test endpoint readme`.\nExpected:\n{expected}"
    );
}
