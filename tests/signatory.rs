use crate::harness::TestCase;

#[test]
fn signatories_are_added_with_one_lead() {
    let case = TestCase::new();
    case.run(&[
        "signatory",
        "add",
        "Norzhavia Accountability Project",
        "--role",
        "lead",
        "--country",
        "nl",
        "--contact",
        "A. Veit",
        "--email",
        "referrals@example.org",
    ])
    .ok()
    .stdout_has(&["Norzhavia Accountability Project", "lead"]);
    case.run(&[
        "signatory",
        "add",
        "Quillwater Press Freedom Trust",
        "--country",
        "GB",
    ])
    .ok()
    .stdout_has(&["co-signer"]);
    let json = case.case_json();
    assert_eq!(json["signatories"][0]["country"], "NL");
    assert_eq!(json["signatories"][0]["role"], "lead");
    assert_eq!(json["signatories"][1]["role"], "co-signer");
    case.refuses(
        &["signatory", "add", "Other", "--role", "lead"],
        &["already the lead signatory", "--role co-signer"],
    );
    case.refuses(
        &["signatory", "add", "quillwater press freedom trust"],
        &["already a signatory"],
    );
}

#[test]
fn bad_signatories_are_refused() {
    let case = TestCase::new();
    case.refuses(
        &["signatory", "add", "X", "--role", "chair"],
        &["unknown signatory role `chair`", "lead", "co-signer"],
    );
    case.refuses(
        &["signatory", "add", "X", "--email", "not-an-address"],
        &["not an e-mail address"],
    );
    case.refuses(
        &["signatory", "add", "X", "--country", "Netherlands"],
        &["two-letter country code"],
    );
}
