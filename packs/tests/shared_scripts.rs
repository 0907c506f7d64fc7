//! Scripts that two packs share by copy (a pack reads files from its own directory only) must
//! stay identical: the resource lifecycle analysis of the sqlalchemy and py-drivers packs.

use std::path::Path;

#[test]
fn resource_scripts_are_identical_in_sqlalchemy_and_py_drivers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for script in ["predicates/res_acquire.rhai", "predicates/res_stream.rhai"] {
        let a = std::fs::read_to_string(root.join("sqlalchemy").join(script)).expect("sqlalchemy");
        let b = std::fs::read_to_string(root.join("py-drivers").join(script)).expect("py-drivers");
        assert!(
            a == b,
            "{script} differs between packs/sqlalchemy and packs/py-drivers; copy one over the other"
        );
    }
}
