use crate::harness::TestCase;

#[test]
fn rows_of_each_kind_are_added_like_the_commands() {
    let case = TestCase::new();
    case.write("evidence/a.txt", "a");
    let outside = case.outside("b.txt");
    std::fs::write(&outside, "b").unwrap();
    case.write(
        "subjects.csv",
        "name,kind,original_script,nationalities,positions,criteria,argument,associates\n\
         Vadim Orzhelov,person,Вадим Оржелов,XX,\"Head, Block B Detention Centre, 2016\",us-glomag:1(a)(ii)(A);uk-ghr:4(2)(b),Ran block B,Qarvexa Stroy-Invest LLC:supplier\n\
         Qarvexa Stroy-Invest LLC,entity,,XX,,uk-ghr:6(2)(a),,Vadim Orzhelov:client\n",
    );
    case.run(&["import", "subjects.csv", "--as", "subjects"])
        .ok()
        .stdout_has(&["imported 2 rows", "S-001, S-002"]);
    let json = case.case_json();
    assert_eq!(json["subjects"][0]["criteria"][1]["clause"], "4(2)(b)");
    assert_eq!(
        json["subjects"][0]["positions"][0]["organisation"],
        "Block B Detention Centre"
    );
    assert_eq!(json["subjects"][1]["kind"], "entity");
    assert_eq!(json["subjects"][0]["associates"][0]["relation"], "supplier");
    // An associate who is a subject already is linked to them.
    assert_eq!(json["subjects"][1]["associates"][0]["subject"], "S-001");

    case.write(
        "events.csv",
        "date,title,subjects\n2019-03-14,Dispersal,S-001:commander\n~2014,Centre opens,\n",
    );
    case.run(&["import", "events.csv", "--as", "events"])
        .ok()
        .stdout_has(&["V-001, V-002"]);

    let csv = format!(
        "path,title,confidential,events\nevidence/a.txt,Statement A,no,V-001\n{},Statement B,yes,V-001;V-002\n",
        outside.display()
    );
    case.write("exhibits.csv", csv);
    case.run(&["import", "exhibits.csv", "--as", "exhibits"])
        .ok()
        .stdout_has(&["E-001, E-002"]);
    let json = case.case_json();
    assert_eq!(json["exhibits"][1]["confidentiality"], "confidential");
    assert_eq!(
        json["events"][0]["exhibits"],
        serde_json::json!(["E-001", "E-002"])
    );
    assert_eq!(json["events"][1]["exhibits"], serde_json::json!(["E-002"]));
    assert!(case.root().join("evidence/b.txt").is_file());
}

#[test]
fn a_bad_row_names_its_line_and_nothing_is_imported() {
    let case = TestCase::new();
    let outside = case.outside("copied.txt");
    std::fs::write(&outside, "fresh").unwrap();
    case.write("evidence/a.txt", "a");
    // Row 2 would copy a file in; row 3 is a duplicate of row 2: the copy must be taken back.
    let csv = format!(
        "path,title\n{},One\nevidence/a.txt,Two\n{},Three\n",
        outside.display(),
        outside.display()
    );
    case.write("exhibits.csv", csv);
    case.refuses(
        &["import", "exhibits.csv", "--as", "exhibits"],
        &["exhibits.csv line 4", "already"],
    );

    case.write(
        "events.csv",
        "date,title\n2019-03-14,Fine\n2019-02-30,Bad day\n",
    );
    case.refuses(
        &["import", "events.csv", "--as", "events"],
        &["events.csv line 3", "bad date `2019-02-30`"],
    );

    case.write(
        "subjects.csv",
        "name,criteria\nA,us-glomag:1(a)(ii)(A)\nB,uk-ghr:99\n",
    );
    case.refuses(
        &["import", "subjects.csv", "--as", "subjects"],
        &["subjects.csv line 3", "no clause `99`"],
    );
}

#[test]
fn unknown_columns_and_missing_files_are_refused() {
    let case = TestCase::new();
    case.write("events.csv", "date,title,colour\n2019,X,red\n");
    case.refuses(
        &["import", "events.csv", "--as", "events"],
        &["unknown column `colour`", "date, title, description"],
    );
    case.write("events.csv", "title\nX\n");
    case.refuses(
        &["import", "events.csv", "--as", "events"],
        &["column `date` is missing"],
    );
    case.refuses(&["import", "nope.csv", "--as", "events"], &["nope.csv"]);
    case.refuses(
        &["import", "events.csv", "--as", "people"],
        &["invalid value 'people'"],
    );
}

#[test]
fn exhibit_rows_register_what_exhibit_add_registers() {
    // Import takes every row in one intake (linear in the rows); the result must be the one
    // `exhibit add` of the same files gives: the same ids, paths and hashes, in row order.
    let added = TestCase::new();
    let imported = TestCase::new();
    let mut csv = String::from("path,title\n");
    for i in 0..60 {
        let name = format!("evidence/docs/doc-{i:03}.txt");
        added.write(&name, format!("statement {i}"));
        imported.write(&name, format!("statement {i}"));
        csv.push_str(&format!("{name},Statement {i}\n"));
    }
    added.run(&["exhibit", "add", "evidence"]).ok();
    imported.write("rows.csv", csv);
    imported
        .run(&["import", "rows.csv", "--as", "exhibits"])
        .ok()
        .stdout_has(&["imported 60 rows", "E-001, E-002", "E-060"]);
    let fields = |case: &TestCase| -> Vec<(String, String, String)> {
        case.case_json()["exhibits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let text = |k: &str| e[k].as_str().unwrap().to_string();
                (text("id"), text("path"), text("sha256"))
            })
            .collect()
    };
    assert_eq!(fields(&added), fields(&imported));
    assert_eq!(
        imported.case_json()["exhibits"][59]["title"],
        "Statement 59"
    );
    let check = imported.run(&["check", "--json"]).exits(1).json();
    let custody_errors: Vec<_> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["severity"] == "error" && p["place"].as_str().unwrap().contains("custody"))
        .collect();
    assert!(custody_errors.is_empty(), "{custody_errors:?}");
    assert_eq!(check["exhibits_hashed"], 60);
}
