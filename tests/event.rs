use crate::harness::TestCase;

#[test]
fn every_date_form_is_accepted_and_the_timeline_lists_in_date_order() {
    let case = TestCase::new();
    for (date, title) in [
        ("2019-03-14", "Raid"),
        ("2017-01", "Order signed"),
        ("2020", "Contract"),
        ("2011-02-14..2011-03-16", "Protest camp"),
        ("~2014", "Centre opens"),
        ("circa 2016", "Transfer"),
    ] {
        case.run(&["event", "add", date, title]).ok();
    }
    let events = case.case_json()["events"].clone();
    let dates: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2019-03-14",
            "2017-01",
            "2020",
            "2011-02-14..2011-03-16",
            "~2014",
            "~2016"
        ]
    );
    let listed = case.run(&["event", "list", "--json"]).ok().json();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["V-004", "V-005", "V-006", "V-002", "V-001", "V-003"]);
    case.run(&["event", "list"])
        .ok()
        .stdout_has(&["2011-02-14..2011-03-16", "Protest camp"]);
}

#[test]
fn an_event_links_subjects_with_roles_and_exhibits() {
    let case = TestCase::new();
    case.run(&["subject", "add", "Vadim Orzhelov"]).ok();
    let e1 = case.exhibit("video.mp4", "fictional video");
    case.run(&[
        "event",
        "add",
        "2019-03-14",
        "Dispersal",
        "--location",
        "Independence Square",
        "--subject",
        "S-001:commander",
        "--exhibit",
        &e1,
    ])
    .ok()
    .stdout_has(&["V-001", "2019-03-14", "Dispersal"]);
    let event = &case.case_json()["events"][0];
    assert_eq!(event["subjects"][0]["subject"], "S-001");
    assert_eq!(event["subjects"][0]["role"], "commander");
    assert_eq!(event["exhibits"], serde_json::json!(["E-001"]));
    assert_eq!(event["location"], "Independence Square");
}

#[test]
fn bad_events_are_refused() {
    let case = TestCase::new();
    case.refuses(
        &["event", "add", "14/03/2019", "Raid"],
        &[
            "bad date `14/03/2019`",
            "2017-01-15",
            "2011-02-14..2011-03-16",
            "~2014",
        ],
    );
    case.refuses(
        &["event", "add", "2019-03..2018", "Raid"],
        &["ends before it starts"],
    );
    case.refuses(
        &["event", "add", "2019", "Raid", "--subject", "S-001"],
        &["unknown subject `S-001`", "no subjects yet"],
    );
    case.refuses(
        &["event", "add", "2019", "Raid", "--exhibit", "E-001"],
        &["unknown exhibit `E-001`"],
    );
    case.refuses(&["event", "add", "2019", ""], &["TITLE", "empty"]);
}
