#!/usr/bin/env bash
# Registers the shipped FICTIONAL sample case (evidence-samples/sample-case) through the dossier CLI.
#
#   DOSSIER=/path/to/dossier bash evidence-samples/make-sample-case.sh
#   DOSSIER="cargo run --quiet --release --" bash evidence-samples/make-sample-case.sh
#
# Everything in the case is invented: the Republic of Norzhavia (country code XX, user-assigned in
# ISO 3166), its officials, companies, witnesses, NGOs and places. No real person is named.
# XX is kept on purpose: a real code would place invented officials in a real country. `dossier
# check` therefore warns, once per subject, that authorities will not recognise XX: in a real
# case that warning asks for the country's ISO 3166-1 code.
#
# It rewrites case.json and custody.jsonl from scratch; the evidence and narrative files are only read.
# Ids are given in registration order, and narrative/*.md refers to them: E-001..E-016 (exhibits),
# S-001..S-004 (subjects), V-001..V-012 (events). Keep the order if you edit this script.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The dossier command: a path (relative paths are taken from where the script was started) or a
# command line such as "cargo run --quiet --release --".
dossier_cmd=${DOSSIER:-dossier}
if [[ -e "$dossier_cmd" ]]; then
  dossier_cmd=$(cd "$(dirname "$dossier_cmd")" && pwd)/$(basename "$dossier_cmd")
  DOSSIER_ARGV=("$dossier_cmd")
else
  read -r -a DOSSIER_ARGV <<<"$dossier_cmd"
fi
if ! command -v -- "${DOSSIER_ARGV[0]}" >/dev/null 2>&1; then
  echo "make-sample-case.sh: cannot run '${DOSSIER_ARGV[0]}'; set DOSSIER=/path/to/dossier" >&2
  exit 2
fi
dossier() { "${DOSSIER_ARGV[@]}" "$@"; }

# The fictional paralegal recorded as the actor in the chain-of-custody log.
export DOSSIER_ACTOR="Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)"

cd "$here/sample-case"
rm -f case.json custody.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- every evidence file must be registered below, exactly once --------------------------------
EXHIBIT_PATHS=(
  "evidence/documents/приказ-117-ДСП.pdf"                       # E-001
  "evidence/photos/protest Independence Square 2019-03-14.jpg"  # E-002
  "evidence/video/protest-dispersal-2019-03-14.mp4"             # E-003
  "evidence/web/qelvaran-courier-2019-03-15.html"               # E-004
  "evidence/web/ministry-statement-2019-03-15.mhtml"            # E-005
  "evidence/statements/إفادة-الشاهد-A-01.txt"                   # E-006
  "evidence/statements/показания свидетеля B-02.txt"            # E-007
  "evidence/statements/witness statement 03.txt"                # E-008
  "evidence/photos/detention-centre-gate-2019.jpg"              # E-009
  "evidence/photos/basement-room-block-B.png"                   # E-010
  "evidence/documents/medical-report-B-02.pdf"                  # E-011
  "evidence/documents/court-decision-2019-07-02.pdf"            # E-012
  "evidence/documents/company-registry-extract-qarvexa.pdf"     # E-013
  "evidence/financial/procurement-payments-2018-2021.csv"       # E-014
  "evidence/statements/lời khai nhân chứng D-04.md"             # E-015
  "evidence/photos/ảnh xe tải Qarvexa 2020.jpg"                 # E-016
)
missing=0
for p in "${EXHIBIT_PATHS[@]}"; do
  [[ -f "$p" ]] || { echo "make-sample-case.sh: missing evidence file: $p" >&2; missing=1; }
done
listed=$(printf '%s\n' "${EXHIBIT_PATHS[@]}" | LC_ALL=C sort)
found=$(find evidence -type f | LC_ALL=C sort)
if [[ "$listed" != "$found" ]]; then
  echo "make-sample-case.sh: evidence/ and the exhibit list in this script differ:" >&2
  diff <(printf '%s\n' "$listed") <(printf '%s\n' "$found") >&2 || true
  missing=1
fi
[[ $missing -eq 0 ]] || exit 2

# --- case ---------------------------------------------------------------------------------------
dossier init . \
  --title "Norzhavia: the Lantern crackdown and the Detention Centre No. 4 contract (fictional sample)" \
  --id NZ-LANTERN-2019 \
  --regime us-glomag --regime uk-ghr --regime uk-gac

# --- exhibits: one path per call, so E-001, E-002, ... follow this order -------------------------
# E-001
dossier exhibit add "evidence/documents/приказ-117-ДСП.pdf" \
  --title "Order No. 117-DSP of 11 March 2019 (leaked)" \
  --description "Ministry of Interior order 'for official use only' signed by Deputy Minister N. al-Qaswani: authorises all special means including service firearms against the Lantern rally, sends every detainee to Detention Centre No. 4, bars lawyers for ten days, charges costs to contract MV-2018/044. Russian original with English translation." \
  --source "Insider in the Ministry of Interior (identity protected)" \
  --obtained "Photograph of a paper copy handed to the lead signatory's field researcher in a third country" \
  --confidential-source \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-03-02T14:30:00Z \
  --language ru
# E-002
dossier exhibit add "evidence/photos/protest Independence Square 2019-03-14.jpg" \
  --title "Photo: Lantern rally on Independence Square, 14 March 2019, 10:52" \
  --description "Peaceful crowd with paper lanterns and banners ('Light on the tenders') minutes before the dispersal; riot police line visible behind the fountain." \
  --source "Witness A-01 (journalist, Qelvaran Courier Arabic service)" \
  --obtained "Original file sent by the witness from a cloud backup of the seized phone" \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-04-02T10:15:00Z \
  --language en
# E-003
dossier exhibit add "evidence/video/protest-dispersal-2019-03-14.mp4" \
  --title "Video: dispersal of the Lantern rally, 14 March 2019, 11:04" \
  --description "Four-second clip: the police line advances, tear gas is fired and the crowd flees; two flashes consistent with gunshots at 11:04:14." \
  --source "Anonymous bystander via the Qelvaran Courier newsroom" \
  --obtained "Forwarded by the Courier's editor with the original messenger metadata" \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-04-03T09:00:00Z \
  --language en
# E-004
dossier exhibit add "evidence/web/qelvaran-courier-2019-03-15.html" \
  --title "Web capture: Qelvaran Courier, 'Student killed as riot police break up Lantern rally', 15 March 2019" \
  --description "News report of the killing of a 22-year-old student, the 44 detentions at Detention Centre No. 4 and the Qarvexa contract; the site was blocked in Norzhavia on 16 March 2019." \
  --source "The Qelvaran Courier (public website)" \
  --obtained "Saved from the live page by the collector" \
  --source-url "https://qelvaran-courier.example/2019/03/15/lantern-rally-dispersed" \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-04-05T09:10:00Z \
  --language en
# E-005
dossier exhibit add "evidence/web/ministry-statement-2019-03-15.mhtml" \
  --title "Web capture: Ministry of Interior press statement, 15 March 2019" \
  --description "Official denial: order restored 'without the use of firearms'; claims the Deputy Minister instructed units to 'avoid lethal force'; confirms 44 detainees placed in Detention Centre No. 4." \
  --source "Ministry of Interior of Norzhavia, press service (public website)" \
  --obtained "Saved as MHTML from the live page by the collector" \
  --source-url "https://mvd.norzhavia.example/press/2019-03-15-public-order" \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-04-05T09:12:44Z \
  --language ru
# E-006
dossier exhibit add "evidence/statements/إفادة-الشاهد-A-01.txt" \
  --title "Witness statement A-01 (journalist), 2 April 2023" \
  --description "Journalist detained on 14 March 2019: shooting near the fountain, detention at Centre No. 4, beating and restraint in the basement of block B, Colonel Orzhelov present. Arabic original with English translation." \
  --source "Witness A-01 (name withheld)" \
  --obtained "Video interview, statement read back and signed" \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-04-02 \
  --language ar
# E-007
dossier exhibit add "evidence/statements/показания свидетеля B-02.txt" \
  --title "Witness statement B-02 (student), 28 March 2023" \
  --description "Student detained 14 March - 2 April 2019: strapped to a Qarvexa restraint chair, falanga and electric shocks on 16 March in the presence of Colonel Orzhelov; forced to sign a false statement. Russian original with English translation." \
  --source "Witness B-02 (name withheld)" \
  --obtained "In-person interview in a third country, statement signed" \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-03-28T16:00:00Z \
  --language ru
# E-008
dossier exhibit add "evidence/statements/witness statement 03.txt" \
  --title "Witness statement C-03 (former guard), 19 April 2023" \
  --description "Former guard at Detention Centre No. 4 (2017-2020): installation of six restraint chairs and shock batons by Qarvexa in 2018, torture of Lantern detainees in 'the workshop', Colonel Orzhelov's orders and acceptance of undelivered goods." \
  --source "Witness C-03, former guard (identity known only to the lead signatory)" \
  --obtained "In-person interview in a third country, statement signed" \
  --confidential \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-04-19T11:30:00Z \
  --language en
# E-009
dossier exhibit add "evidence/photos/detention-centre-gate-2019.jpg" \
  --title "Photo: gate of Temporary Detention Centre No. 4, March 2019" \
  --description "Gate and sign of the centre where the detainees were held; relatives waiting outside." \
  --source "Relative of a detainee (name withheld)" \
  --obtained "Original file sent by messenger" \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-04-06T08:45:00Z \
  --language ru
# E-010
dossier exhibit add "evidence/photos/basement-room-block-B.png" \
  --title "Photo: basement room ('the workshop'), block B, Detention Centre No. 4, 2019" \
  --description "Metal chair with straps for wrists, ankles and chest bearing a Qarvexa plate; electrical socket box; no ventilation." \
  --source "Witness C-03, former guard" \
  --obtained "Copy of a photograph taken by the witness on duty in 2019" \
  --collected-by "Saida Mertens (field researcher, Norzhavia Accountability Project)" \
  --collected-at 2023-04-19T12:10:00Z \
  --language en
# E-011
dossier exhibit add "evidence/documents/medical-report-B-02.pdf" \
  --title "Forensic medical report No. ARM-2019-0412 on witness B-02, 3 April 2019" \
  --description "Istanbul Protocol examination: strap marks on wrists and ankles, plantar bruising (falanga), paired punctate lesions consistent with a shock device, healing rib fracture; findings 'highly consistent' with the account." \
  --source "Defence counsel of witness B-02" \
  --obtained "Copy of the signed report provided with the examinee's written consent" \
  --confidential \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-03-30T13:00:00Z \
  --language en
# E-012
dossier exhibit add "evidence/documents/court-decision-2019-07-02.pdf" \
  --title "Qelvaran District Court, judgment in case No. 1-214/2019, 2 July 2019 (extract, certified translation)" \
  --description "Twelve protesters convicted of 'mass riots'; the defence motion to exclude statements obtained under torture and to order an investigation is rejected on the testimony of V. A. Orzhelov." \
  --source "Defence lawyers of the convicted protesters" \
  --obtained "Certified copy of the judgment and translation" \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-02-20T10:00:00Z \
  --language en
# E-013
dossier exhibit add "evidence/documents/company-registry-extract-qarvexa.pdf" \
  --title "Company register extract: Qarvexa Stroy-Invest LLC, 9 February 2023" \
  --description "Registered 19 February 2018; sole founder, general director and beneficial owner Lương Bích Diệp; lists contract MV-2018/044 of 22 May 2018 worth 41,800,000 ralan." \
  --source "Unified State Register of Legal Entities of Norzhavia (public register)" \
  --obtained "Downloaded from the public register" \
  --source-url "https://egrul.norzhavia.example/extract/1187700451236" \
  --collected-by "Joris Haldane-Veit (paralegal, Norzhavia Accountability Project)" \
  --collected-at 2023-02-09T08:05:00Z \
  --language en
# E-014
dossier exhibit add "evidence/financial/procurement-payments-2018-2021.csv" \
  --title "Payment ledger: contract MV-2018/044 and transfers to Velmarch Advisory LP, 2018-2021" \
  --description "Five Ministry payments to Qarvexa (41.8m ralan), fourteen 'consulting services' transfers to Velmarch Advisory LP (9.2m ralan, annotated 'Deputy Minister's share' / 'Colonel's share') and a GBP 1,350,000 property completion in London." \
  --source "Witness D-04, former chief accountant of Qarvexa" \
  --obtained "Export of the company's bank ledger kept by the witness, annotated by her" \
  --collected-by "Priya Venkataraman-Holt (investigator, Tallowmere Anti-Corruption Institute)" \
  --collected-at 2023-05-11T15:20:00Z \
  --language en
# E-015
dossier exhibit add "evidence/statements/lời khai nhân chứng D-04.md" \
  --title "Witness statement D-04 (former chief accountant of Qarvexa), 11 May 2023" \
  --description "Ten per cent 'thanks' at the Ministry around 2014; Qarvexa founded by Lương Bích Diệp in 2018; fourteen sham consulting payments to Velmarch for the 'Deputy Minister' and the 'Colonel'; acceptance of undelivered goods in 2020. Vietnamese original with English translation." \
  --source "Witness D-04 (name withheld)" \
  --obtained "In-person interview in a third country, statement signed" \
  --collected-by "Priya Venkataraman-Holt (investigator, Tallowmere Anti-Corruption Institute)" \
  --collected-at 2023-05-11T17:00:00Z \
  --language vi
# E-016
dossier exhibit add "evidence/photos/ảnh xe tải Qarvexa 2020.jpg" \
  --title "Photo: Qarvexa truck at Detention Centre No. 4, 2020" \
  --description "The only delivery of beds under contract MV-2018/044 (about 20 of 120); the ventilation system certified as delivered never arrived." \
  --source "Witness D-04" \
  --obtained "Copy from the company's delivery records kept by the witness" \
  --collected-by "Priya Venkataraman-Holt (investigator, Tallowmere Anti-Corruption Institute)" \
  --collected-at 2023-05-11T17:30:00Z \
  --language en

# --- subjects: after the exhibits, because criteria cite them ------------------------------------
# S-001
dossier subject add "Nizar al-Qaswani" \
  --associate "Velmarch Advisory LP:vehicle that bought the London flat used by his family" \
  --original-script "نزار القسواني" \
  --transliteration "Nizar al-Qaswani" --transliteration "Nizar Al-Kaswani" --transliteration "Nizar el-Qasouani" \
  --alias "Abu Tariq" --alias "Низар аль-Касвани" \
  --born "~1966" --birthplace "Ashkirat, Republic of Norzhavia" \
  --gender male \
  --nationality XX \
  --position "Head of the Logistics Department, Ministry of Interior of Norzhavia, 2011, 2015-06" \
  --position "Deputy Minister of Interior, Ministry of Interior of Norzhavia, 2015-06" \
  --position "Chair of the Tender Commission for Public Order Procurement, Ministry of Interior of Norzhavia, 2017-01, 2021-12" \
  --id-document "passport:XD0419337:XX" \
  --id-document "national-id:660412-30571:XX" \
  --address "14 Marqelin Embankment, Qelvaran, Republic of Norzhavia" \
  --nexus "A London flat used by his family was bought on 17 September 2021 for GBP 1,350,000 with funds from Velmarch Advisory LP (E-014); his daughter has studied in London since 2020." \
  --nexus "Kickbacks paid to Velmarch were converted to US dollars through a correspondent bank in New York (E-014)." \
  --exculpatory "The Ministry's statement of 15 March 2019 (E-005) says he instructed units to 'avoid lethal force'; Order No. 117-DSP leaves the use of firearms to 'the senior officer on the spot' (E-001)."
# S-002
dossier subject add "Vadim Orzhelov" \
  --original-script "Вадим Аркадьевич Оржелов" \
  --transliteration "Vadim Arkadyevich Orzhelov" --transliteration "Vadim Arkadʹevič Orželov" --transliteration "Vadim Orjelov" \
  --alias "the Warden" --alias "Смотритель" \
  --born 1971-03-09 --birthplace "Korvelin, Republic of Norzhavia" \
  --gender male \
  --nationality XX \
  --position "Head of Temporary Detention Centre No. 4, Penitentiary Service of Norzhavia, 2016-02, 2022-11" \
  --position "Deputy Director, Penitentiary Service of Norzhavia, 2022-11" \
  --id-document "passport:XC7720154:XX" \
  --id-document "service-card:PS-04-1187:XX" \
  --address "Officers' Quarters 2, Detention Centre No. 4, Qelvaran, Republic of Norzhavia" \
  --exculpatory "He testified on 2 July 2019 that no force or special means were used and that injuries pre-dated admission, and the court accepted this (E-012)." \
  --exculpatory "In 2021 he issued a circular forbidding 'unauthorised physical measures' (reported second-hand in E-008)."
# S-003
dossier subject add "Lương Bích Diệp" \
  --associate "Nizar al-Qaswani:former superior at the Ministry of Interior" \
  --original-script "Lương Bích Diệp" \
  --transliteration "Luong Bich Diep" --transliteration "Diep Luong" \
  --alias "Madame Diệp" \
  --born 1979-11 --birthplace "Qelvaran, Republic of Norzhavia" \
  --gender female \
  --nationality XX \
  --position "Head of the Procurement Department, Ministry of Interior of Norzhavia, 2014-03, 2018-01" \
  --position "General Director, Qarvexa Stroy-Invest LLC, 2018-02" \
  --id-document "passport:XB3308812:XX" \
  --address "Building 3, 41 Tannery Embankment, Qelvaran, Republic of Norzhavia" \
  --nexus "Qarvexa's payments to Velmarch cleared in US dollars through a correspondent bank in New York (E-014)."
# S-004 (entity)
dossier subject add "Qarvexa Stroy-Invest LLC" \
  --entity \
  --associate "Lương Bích Diệp:founder and beneficial owner" \
  --original-script "ООО «Карвекса Строй-Инвест»" \
  --transliteration "OOO Karveksa Stroy-Invest" --transliteration "Qarvexa Stroy-Invest LLC" \
  --alias "Qarvexa" --alias "Карвекса" \
  --nationality XX \
  --id-document "company-registration:1187700451236:XX" \
  --address "Building 3, 41 Tannery Embankment, Qelvaran, Republic of Norzhavia"

# --- criteria: one argument and its own exhibits per clause (an argument is never repeated) ------
cat > "$work/criteria.csv" <<'CSV'
subject,criterion,argument,exhibits
S-001,us-glomag:1(a)(ii)(A),"As Deputy Minister of Interior, S-001 signed Order No. 117-DSP (E-001), which authorised service firearms against the peaceful Lantern rally of 14 March 2019, where a student was shot dead (E-003, E-004), and ordered that detainees be held without lawyers at Detention Centre No. 4, where they were tortured.",E-001;E-003;E-004
S-001,us-glomag:1(a)(ii)(B)(1),"As chair of the tender commission, S-001 awarded contract MV-2018/044 to Qarvexa at 38% above the Ministry's own estimate and received about 8.1 million ralan of kickbacks through Velmarch Advisory LP (E-014, E-015); the budget he controlled paid 6.1 million ralan for goods never delivered.",E-014;E-015
S-001,uk-ghr:4(2)(a),"The Lantern rally of 14 March 2019 was dispersed with service firearms and a 22-year-old student was shot dead (E-003, E-004): an unlawful killing of a person exercising the freedoms of assembly and expression.",E-003;E-004
S-001,uk-ghr:6(2)(a),S-001 is responsible for that killing: his Order No. 117-DSP (E-001) authorised the firearms used at the rally and sent the detainees to Detention Centre No. 4 without lawyers.,E-001
S-001,uk-gac:4(2)(a),"Bribery: S-001 received about 8.1 million ralan from Qarvexa, paid as sham consulting fees to Velmarch Advisory LP, for awarding it contract MV-2018/044 (E-014, E-015).",E-014;E-015
S-001,uk-gac:4(2)(b),"Misappropriation: as the official controlling the Ministry's budget, S-001 approved payments of 6.1 million ralan for equipment that was never delivered (E-014).",E-014
S-001,uk-gac:6(3)(a),"S-001 is responsible for that corruption: he chaired the tender commission that awarded contract MV-2018/044 at 38% above the estimate and signed the payment orders (E-014, E-015).",E-014;E-015
S-002,us-glomag:1(a)(ii)(A),"As head of Temporary Detention Centre No. 4, S-002 directed the guards who strapped Lantern detainees to restraint chairs, beat their soles and gave them electric shocks between 14 March and 2 April 2019; two detainees and a former guard place him at the scene (E-006, E-007, E-008), and the forensic report corroborates them (E-011).",E-006;E-007;E-008;E-011
S-002,us-glomag:1(a)(ii)(B)(1),"S-002 signed acceptance certificates for a ventilation system and 120 beds that were never delivered, and received 1.1 million ralan as 'the Colonel's share' through Velmarch Advisory LP (E-014, E-015).",E-014;E-015
S-002,uk-ghr:4(2)(b),"Detainees of the Lantern rally were strapped to restraint chairs, beaten on the soles of their feet and given electric shocks in the basement of block B between 14 March and 2 April 2019 (E-006, E-007, E-011): torture.",E-006;E-007;E-011
S-002,uk-ghr:6(2)(a),"S-002 is responsible for that torture: he commanded the centre and gave the guards their orders, as two detainees and a former guard state (E-006, E-007, E-008).",E-006;E-007;E-008
S-002,uk-gac:4(2)(a),"Bribery: S-002 received 1.1 million ralan, recorded as 'the Colonel's share', for certifying deliveries that never took place (E-014, E-015).",E-014;E-015
S-002,uk-gac:6(3)(a),S-002 is responsible for that corruption: his signature is on the false acceptance certificates that released the payments (E-014).,E-014
S-003,us-glomag:1(a)(ii)(B)(1),S-003 headed the Ministry's procurement department until January 2018 and a month later registered Qarvexa Stroy-Invest LLC as its sole owner and director (E-013); the company then won contract MV-2018/044 from the commission chaired by S-001.,E-013
S-003,us-glomag:1(a)(ii)(C)(1),"As Qarvexa's director, S-003 leads an entity that paid bribes to officials: her chief accountant describes her instructing fourteen sham 'consulting' payments of 9.2 million ralan to Velmarch Advisory LP for S-001 and S-002 (E-014, E-015).",E-014;E-015
S-003,uk-ghr:6(2)(a),"Qarvexa, directed by S-003, supplied and installed the restraint chairs and shock batons used to torture detainees at Detention Centre No. 4 (E-008, E-010).",E-008;E-010
S-003,uk-gac:4(2)(a),"Bribery: S-003 instructed the payment of 9.2 million ralan to Velmarch Advisory LP, a vehicle for S-001 and S-002, in return for contract MV-2018/044 (E-014, E-015).",E-014;E-015
S-003,uk-gac:6(3)(a),"S-003 is responsible for that bribery: she owned and directed the company that paid, and gave the instructions for each payment (E-013, E-014, E-015).",E-013;E-014;E-015
S-004,us-glomag:1(a)(ii)(B)(1),"Qarvexa obtained contract MV-2018/044 at an inflated price from a commission chaired by S-001 and paid 9.2 million ralan in bribes disguised as consulting fees to Velmarch Advisory LP (E-013, E-014, E-015).",E-013;E-014;E-015
S-004,uk-ghr:6(2)(a),"Qarvexa supplied and installed the restraint chairs and shock batons used to torture Lantern detainees in Detention Centre No. 4 (E-007, E-008, E-010).",E-007;E-008;E-010
S-004,uk-gac:4(2)(a),"Bribery: Qarvexa paid 9.2 million ralan to Velmarch Advisory LP for officials of the Ministry of Interior in return for contract MV-2018/044 (E-014, E-015).",E-014;E-015
S-004,uk-gac:6(3)(a),"Qarvexa is responsible for that bribery: the payments left its own accounts, on its director's instructions (E-014, E-015).",E-014;E-015
CSV
dossier import "$work/criteria.csv" --as criteria

# --- events: after subjects and exhibits, which they link ----------------------------------------
# V-001
dossier event add "~2014" "Ten per cent 'thanks' to the Logistics Department becomes the rule for Ministry contractors" \
  --description "According to D-04, contractors of the Ministry of Interior were expected to pass about ten per cent of each contract to the then Head of Logistics, S-001; S-003 headed procurement from March 2014." \
  --location "Ministry of Interior, Qelvaran" \
  --subject S-001:recipient --subject S-003:procurement-head \
  --exhibit E-015
# V-002
dossier event add 2018-02 "Qarvexa Stroy-Invest LLC registered by the former head of Ministry procurement" \
  --description "S-003 leaves the Ministry in January 2018 and registers S-004 on 19 February 2018 with a charter capital of 10,000 ralan." \
  --location "Qelvaran" \
  --subject S-003:founder --subject S-004:registered-entity \
  --exhibit E-013 --exhibit E-015
# V-003
dossier event add 2018-05-22 "Contract MV-2018/044 awarded to Qarvexa" \
  --description "The tender commission chaired by S-001 awards S-004 the reconstruction and 'special means' equipment of Detention Centre No. 4 for 41.8 million ralan, 38% above the Ministry's own estimate of 30.3 million." \
  --location "Ministry of Interior, Qelvaran" \
  --subject S-001:commission-chair --subject S-003:bidder --subject S-004:contractor \
  --exhibit E-013 --exhibit E-014 --exhibit E-015
# V-004
dossier event add "2018-06-08..2019-12-09" "Fourteen sham 'consulting' payments to Velmarch Advisory LP" \
  --description "S-004 pays 9.2 million ralan to Velmarch Advisory LP, annotated as 'the Deputy Minister's share' (8.1m) and 'the Colonel's share' (1.1m); no services were provided." \
  --subject S-004:payer --subject S-003:instructed-payments --subject S-001:beneficiary --subject S-002:beneficiary \
  --exhibit E-014 --exhibit E-015
# V-005
dossier event add 2019-03-11 "Deputy Minister signs Order No. 117-DSP" \
  --description "Secret order authorising all special means including service firearms against the Lantern rally, sending every detainee to Detention Centre No. 4 and barring lawyers for ten days." \
  --location "Ministry of Interior, Qelvaran" \
  --subject S-001:signatory --subject S-002:addressee \
  --exhibit E-001
# V-006
dossier event add 2019-03-14 "Lantern rally on Independence Square dispersed; student shot dead" \
  --description "Riot units disperse a peaceful rally of several thousand with batons, tear gas and gunfire; a 22-year-old engineering student dies of a gunshot wound to the chest; 41 protesters and three journalists are detained." \
  --location "Independence Square, Qelvaran" \
  --subject S-001:ordering-official \
  --exhibit E-002 --exhibit E-003 --exhibit E-004 --exhibit E-006
# V-007
dossier event add 2019-03-15 "Ministry denies use of firearms; Courier reports the killing" \
  --description "The Ministry's press service claims order was restored without firearms on the Deputy Minister's instructions; the Qelvaran Courier's report is published and the site is blocked the next day." \
  --location "Qelvaran" \
  --subject S-001:named-in-statement \
  --exhibit E-004 --exhibit E-005
# V-008
dossier event add "2019-03-14..2019-04-02" "Torture of Lantern detainees at Detention Centre No. 4" \
  --description "Detainees are beaten, strapped to Qarvexa restraint chairs, subjected to falanga and electric shocks in the basement of block B, and made to sign statements; lawyers are refused access." \
  --location "Temporary Detention Centre No. 4, Qelvaran" \
  --subject S-002:commander --subject S-004:supplier-of-equipment \
  --exhibit E-006 --exhibit E-007 --exhibit E-008 --exhibit E-009 --exhibit E-010
# V-009
dossier event add 2019-04-03 "Forensic examination of witness B-02" \
  --description "An independent forensic physician finds strap marks, plantar bruising, shock-device lesions and a healing rib fracture, highly consistent with the witness's account." \
  --location "Ashkirat Road Medical Cooperative, Qelvaran" \
  --subject S-002:head-of-facility \
  --exhibit E-011 --exhibit E-007
# V-010
dossier event add 2019-07-02 "Court convicts twelve protesters and refuses to investigate torture" \
  --description "The Qelvaran District Court sentences twelve protesters to three to seven years for 'mass riots' and rejects the defence motion to investigate torture, relying on the testimony of S-002." \
  --location "Qelvaran District Court" \
  --subject S-002:witness-for-prosecution \
  --exhibit E-012
# V-011
dossier event add 2020 "Acceptance certificates signed for goods never delivered" \
  --description "S-002 certifies delivery of a ventilation system and 120 beds; only about 20 beds arrive and the ventilation is never installed. The Ministry pays the final stages, 6.1 million ralan of it for undelivered goods." \
  --location "Temporary Detention Centre No. 4, Qelvaran" \
  --subject S-002:certifying-official --subject S-004:supplier \
  --exhibit E-016 --exhibit E-014 --exhibit E-008 --exhibit E-015
# V-012
dossier event add 2021-09 "Velmarch Advisory LP buys a London flat used by the family of S-001" \
  --description "Velmarch pays GBP 1,350,000 on 17 September 2021 to a conveyancer's client account in London for a residential flat." \
  --location "London, United Kingdom" \
  --subject S-001:beneficiary \
  --exhibit E-014

# --- signatories (fictional NGOs) -----------------------------------------------------------------
dossier signatory add "Norzhavia Accountability Project" \
  --role lead --country NL \
  --contact "Maren Lindqvist-Okoro" --email "referrals@example.org"
dossier signatory add "Quillwater Press Freedom Trust" \
  --role co-signer --country GB \
  --contact "Daniel Ashcombe-Reyes" --email "casework.quillwater@example.org"
dossier signatory add "Tallowmere Anti-Corruption Institute" \
  --role co-signer --country CA \
  --contact "Priya Venkataraman-Holt" --email "investigations.tallowmere@example.org"

echo "sample case registered in $PWD: 16 exhibits, 4 subjects, 12 events, 3 signatories"
# `check` exits 1 when it finds weaknesses; report them without failing the script.
status=0
dossier check || status=$?
if [[ $status -eq 1 ]]; then
  echo "make-sample-case.sh: 'dossier check' found problems (see above); the case is registered" >&2
elif [[ $status -ne 0 ]]; then
  exit "$status"
fi
