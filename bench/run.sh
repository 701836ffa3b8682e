#!/usr/bin/env bash
# Benchmark: `dossier exhibit add`, `dossier build` and `dossier verify` against sha256sum -c,
# openssl dgst -sha256 and bagit.py --validate on the same files, in three scenarios:
#   (a) 8 video files of 512 MiB, (b) 100,000 files of 1-16 KiB, (c) one 5 GiB video;
# and the PDF submissions `build` renders, in a fourth:
#   (d) cases of 1,000 and 10,000 small exhibits, 2,000 events, 20 subjects, 3 regimes;
# and `import --as exhibits` against `exhibit add` of the same files, in a fifth:
#   (e) 1,000 and 10,000 exhibit rows (one small file each);
# and `check --sanctions` against Python's json module on the same file, in a sixth:
#   (f) 1 GB of FollowTheMoney lines in OpenSanctions' shape (bench/make-ftm.py), plain and gzip.
# Every command is run once to warm the page cache, then timed with /usr/bin/time -v (wall time
# and peak RSS). The figures, ratios and targets go to docs/performance.md.
#
#   bash bench/run.sh                                full size (~17 GiB free disk, see README)
#   BENCH_SCENARIOS=d bash bench/run.sh              only (d): replaces its section of docs/
#   BENCH_SCENARIOS=e bash bench/run.sh              only (e): replaces its section of docs/
#   BENCH_SCENARIOS=f bash bench/run.sh              only (f): replaces its section of docs/
#   BENCH_SCALE=0.01 bash bench/run.sh               smoke run (writes to /tmp, not docs/)
#
# Settings (environment): BENCH_SCALE (default 1), BENCH_DIR (/tmp/dossier-bench), BENCH_OUT,
# BENCH_SCENARIOS ("a b c d e f"), BENCH_RUNS (timed runs after the warm-up, default 1; the fastest
# wall time and the largest RSS are reported), BENCH_KEEP=1 (keep the generated data).
# See bench/README.md.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=${BENCH_SCALE:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/dossier-bench}
SCENARIOS=${BENCH_SCENARIOS:-a b c d e f}
RUNS=${BENCH_RUNS:-1}
KEEP=${BENCH_KEEP:-0}
DATE=2026-01-01
MARKER=.dossier-bench

die() {
  printf 'bench: %s\n' "$*" >&2
  exit 2
}
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
gib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1073741824 }'; }

# --- Settings -----------------------------------------------------------------------------------

command -v python3 >/dev/null || die "python3 is needed (it generates scenario (b) and writes the report)"
SCALE_PPM=$(python3 -c 'import sys
try:
    s = float(sys.argv[1])
except ValueError:
    s = -1
print(round(s * 1e6) if 0 < s <= 10 else -1)' "$SCALE")
[ "$SCALE_PPM" -gt 0 ] || die "BENCH_SCALE must be a number above 0 and at most 10 (got '$SCALE'); 1 is full size, 0.01 a smoke run"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a whole number of at least 1 (got '$RUNS')"
for s in $SCENARIOS; do
  case $s in a | b | c | d | e | f) ;; *) die "BENCH_SCENARIOS lists scenarios a, b, c, d, e and f (got '$s')" ;; esac
done
runs_scenario() { [[ " $SCENARIOS " == *" $1 "* ]]; }
# The report has three parts that can be measured apart: (a), (b) and (c) share the targets, the
# machine and the method; (d) and (e) have a section each. A run of whole parts at full size writes
# docs/performance.md and keeps the part it did not run from the file as it was (report.py
# --keep), so that re-measuring the PDF rendering does not cost the 10 minutes of (a)-(c).
abc_count=0
for s in a b c; do runs_scenario "$s" && abc_count=$((abc_count + 1)); done
if [ -z "${BENCH_OUT:-}" ]; then
  if [ "$SCALE_PPM" -eq 1000000 ] && ((abc_count == 0 || abc_count == 3)); then
    BENCH_OUT=$REPO/docs/performance.md
  else
    # A smoke run, or one of some of (a), (b), (c), never overwrites the real figures.
    BENCH_OUT=${TMPDIR:-/tmp}/dossier-performance-scale-$SCALE.md
  fi
fi
case $BENCH_OUT in /*) ;; *) BENCH_OUT=$PWD/$BENCH_OUT ;; esac

# Sizes, scaled (bash integers are 64-bit).
A_COUNT=8
A_SIZE=$((512 * 1048576 * SCALE_PPM / 1000000))
B_COUNT=$((100000 * SCALE_PPM / 1000000))
C_SIZE=$((5 * 1073741824 * SCALE_PPM / 1000000))
((A_SIZE >= 65536)) || A_SIZE=65536
((B_COUNT >= 10)) || B_COUNT=10
((C_SIZE >= 65536)) || C_SIZE=65536
# (d): the exhibit counts of its two cases, and their events. At least 50 exhibits, so that a
# smoke run still has criteria and events citing different exhibits; the 20 subjects do not scale.
D_SMALL=$((1000 * SCALE_PPM / 1000000))
D_LARGE=$((10000 * SCALE_PPM / 1000000))
((D_SMALL >= 50)) || D_SMALL=50
((D_LARGE >= 50)) || D_LARGE=50
D_EVENTS=$((2000 * SCALE_PPM / 1000000))
((D_EVENTS >= 20)) || D_EVENTS=20
D_SUBJECTS=20
D_REGIMES="us-glomag uk-ghr uk-gac"
# (e): the exhibit rows of its two imports (one file each).
E_SMALL=$((1000 * SCALE_PPM / 1000000))
E_LARGE=$((10000 * SCALE_PPM / 1000000))
((E_SMALL >= 10)) || E_SMALL=10
((E_LARGE >= 100)) || E_LARGE=100
# (f): the bytes of FtM lines screened, and the case's subjects.
F_BYTES=$((1000000000 * SCALE_PPM / 1000000))
((F_BYTES >= 1000000)) || F_BYTES=1000000
F_SUBJECTS=20
# Disk use of the evidence (small files round up to 4 KiB blocks: ~12 KiB each on average in (b),
# 4 KiB in (d)).
declare -A EVIDENCE_BYTES=([a]=$((A_COUNT * A_SIZE)) [b]=$((B_COUNT * 12288)) [c]=$C_SIZE [d]=$(((D_SMALL + D_LARGE) * 4096)) [e]=$((E_LARGE * 4096)) [f]=$((F_BYTES / 2)))

# --- Tools ---------------------------------------------------------------------------------------

[ -x /usr/bin/time ] || die "/usr/bin/time is missing: install GNU time (apt-get install time)"
time_report=$(/usr/bin/time -v true 2>&1 || true)
[[ "$time_report" == *"Maximum resident set size"* ]] ||
  die "/usr/bin/time is not GNU time (no -v): install GNU time (apt-get install time)"
for tool in sha256sum openssl git cargo find xargs; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
env -C / true 2>/dev/null || die "env -C is not supported: GNU coreutils 8.28 or later is needed"
if runs_scenario d; then
  command -v pdfinfo >/dev/null || die "pdfinfo is missing (scenario (d) counts the pages of each PDF): install poppler-utils"
fi
if ! command -v bagit.py >/dev/null; then
  log "bagit.py is missing: installing bagit from PyPI (python3 -m pip install bagit)"
  python3 -m pip install --quiet bagit || die "could not install bagit: run python3 -m pip install bagit"
  hash -r
  command -v bagit.py >/dev/null || die "bagit was installed but bagit.py is not on PATH"
fi

# --- Work folder and disk -----------------------------------------------------------------------

if [ -e "$BENCH_DIR" ] && [ -n "$(ls -A "$BENCH_DIR" 2>/dev/null)" ] && [ ! -e "$BENCH_DIR/$MARKER" ]; then
  die "$BENCH_DIR exists and is not empty, and it is not a folder of this benchmark: set BENCH_DIR to a new or empty folder"
fi
rm -rf "$BENCH_DIR" # a leftover of an earlier run (it carries the marker) or an empty folder
mkdir -p "$BENCH_DIR"
touch "$BENCH_DIR/$MARKER"
cleanup() {
  if [ "$KEEP" = 1 ]; then
    log "BENCH_KEEP=1: the generated data stays in $BENCH_DIR"
  elif [ -e "$BENCH_DIR/$MARKER" ]; then
    rm -rf "$BENCH_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each scenario needs its evidence, the zip and the unpacked bag at once (3 copies), plus room for
# the case files; scenarios run one after the other and each is deleted before the next starts.
# Scenario (b) keeps the outputs of its earlier builds until it ends (see `discard`): 7 copies.
need=0
for s in $SCENARIOS; do
  copies=3
  [ "$s" = b ] && copies=7
  n=$((EVIDENCE_BYTES[$s] * copies + EVIDENCE_BYTES[$s] / 10 + 268435456))
  if [ "$KEEP" = 1 ]; then need=$((need + n)); elif ((n > need)); then need=$n; fi
done
avail=$(df -B1 --output=avail "$BENCH_DIR" | tail -n 1 | tr -d ' ')
if ((avail < need)); then
  die "not enough free disk in $BENCH_DIR: this run needs about $(gib "$need") GiB, $(gib "$avail") GiB are free. Free some space, point BENCH_DIR at a bigger disk, or run smaller with BENCH_SCALE (e.g. 0.1)."
fi
if [[ " $SCENARIOS " == *" b "* ]]; then
  ifree=$(df --output=iavail "$BENCH_DIR" | tail -n 1 | tr -d ' ')
  if [[ "$ifree" =~ ^[0-9]+$ ]] && ((ifree > 0 && ifree < B_COUNT * 7 + 10000)); then
    die "not enough free inodes in $BENCH_DIR for $B_COUNT small files (up to 7 copies): $ifree free"
  fi
fi

# --- The dossier binary -------------------------------------------------------------------------

log "building the release binary (cargo build --release)"
(cd "$REPO" && cargo build --release --quiet) || die "cargo build --release failed"
mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/logs"
# A private copy: a rebuild in the repo during the run does not change what is measured.
cp "$REPO/target/release/dossier" "$BENCH_DIR/bin/dossier"
D=$BENCH_DIR/bin/dossier
LOGS=$BENCH_DIR/logs
RESULTS=$BENCH_DIR/results.tsv
FACTS=$BENCH_DIR/facts.tsv
: >"$RESULTS"
: >"$FACTS"

# --- Measuring ----------------------------------------------------------------------------------

# Seconds and kbytes from a `/usr/bin/time -v` report.
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\) time/ { t = $NF }
    /Maximum resident set size/ { r = $NF }
    END { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f %d\n", s, r }
  ' "$1"
}

# measure SCENARIO KEY "COMMAND AS SHOWN" PREPARE WARM CMD...
# Warms the cache (WARM, or the command itself when WARM is "self"), then runs CMD BENCH_RUNS
# times under /usr/bin/time -v; PREPARE runs before every run, then `sync`, so that earlier
# writes are not flushed inside the measurement. Keeps the fastest wall time and the largest
# peak RSS. A failing command stops the benchmark.
measure() {
  local scen=$1 key=$2 shown=$3 prepare=$4 warm=$5
  shift 5
  local run best="" rss=0 tfile lfile secs kb
  for ((run = 0; run <= RUNS; run++)); do
    "$prepare"
    if ((run == 0)) && [ "$warm" != self ]; then
      "$warm"
      continue
    fi
    sync
    tfile=$LOGS/$scen-$key-$run.time
    lfile=$LOGS/$scen-$key-$run.log
    if ! /usr/bin/time -v -o "$tfile" "$@" >"$lfile" 2>&1; then
      printf 'bench: scenario (%s), %s failed:\n  %s\n--- last lines of its output:\n' "$scen" "$key" "$*" >&2
      tail -n 20 "$lfile" >&2
      head -n 1 "$tfile" >&2
      [ "$KEEP" = 1 ] || printf 'bench: run again with BENCH_KEEP=1 to keep the case, the output and the logs\n' >&2
      exit 1
    fi
    ((run > 0)) || continue
    read -r secs kb < <(parse_time "$tfile")
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    ((kb > rss)) && rss=$kb
  done
  printf '%s\t%s\t%s\t%s\t%s\n' "$scen" "$key" "$shown" "$best" "$rss" >>"$RESULTS"
  log "  $key: ${best}s, peak RSS $((rss / 1024)) MiB"
}

fact() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$FACTS"; }
fact_value() { awk -F '\t' -v s="$1" -v k="$2" '$1 == s && $2 == k { v = $3 } END { printf "%.0f\n", v }' "$FACTS"; }
nothing() { :; }

# --- Evidence -----------------------------------------------------------------------------------

# A file of SIZE random-looking bytes (AES-CTR keystream: fast, and the same on every run).
random_file() {
  local path=$1 size=$2 seed=$3
  { openssl enc -aes-128-ctr -pbkdf2 -nosalt -pass "pass:dossier-bench-$seed" </dev/zero 2>/dev/null || true; } |
    head -c "$size" >"$path"
  [ "$(stat -c %s "$path")" -eq "$size" ] || die "could not write $size bytes to $path"
}

generate_a() {
  mkdir -p "$1/video"
  for ((i = 1; i <= A_COUNT; i++)); do random_file "$1/video/clip-$i.mp4" "$A_SIZE" "a-$i"; done
}

generate_b() {
  python3 - "$1" "$B_COUNT" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(20260101)  # the same sizes on every run
for i in range(count):
    folder = os.path.join(root, f"batch-{i // 1000:03d}")
    if i % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"doc-{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(rng.randint(1024, 16384)))
PY
}

generate_c() {
  mkdir -p "$1/video"
  random_file "$1/video/interview.mp4" "$C_SIZE" c
}

# --- One scenario -------------------------------------------------------------------------------

run_scenario() {
  local scen=$1
  local dir=$BENCH_DIR/$scen
  local case=$dir/case out=$dir/out outzip=$dir/out-zip-only saved=$dir/saved
  local id="BENCH-${scen^^}"
  local name="$id-full-$DATE"
  mkdir -p "$dir" "$saved"

  log "scenario ($scen): generating the evidence"
  "$D" init "$case" --title "Benchmark scenario $scen" --id "$id" --regime us-glomag >"$LOGS/$scen-init.log" 2>&1 ||
    die "dossier init failed: see $LOGS/$scen-init.log"
  local started=$SECONDS
  "generate_$scen" "$case/evidence"
  fact "$scen" generate_seconds $((SECONDS - started))
  fact "$scen" evidence_files "$(find "$case/evidence" -type f | wc -l)"
  fact "$scen" evidence_bytes "$(find "$case/evidence" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')"

  # `exhibit add` changes the case: each run starts again from the freshly initialised case.
  cp "$case/case.json" "$saved/case.json"
  [ -e "$case/custody.jsonl" ] && cp "$case/custody.jsonl" "$saved/custody.jsonl"
  restore_case() {
    cp "$saved/case.json" "$case/case.json"
    if [ -e "$saved/custody.jsonl" ]; then cp "$saved/custody.jsonl" "$case/custody.jsonl"; else rm -f "$case/custody.jsonl"; fi
  }
  # The output of the previous run goes before each build. Scenario (b) moves it aside instead of
  # deleting it: ext4 searches past recently deleted inodes when creating files, which would
  # slow the next build of 100,000 files down for a reason that has nothing to do with dossier.
  local trash=$dir/trash
  discard() {
    [ -e "$1" ] || return 0
    if [ "$scen" = b ]; then
      mkdir -p "$trash"
      mv "$1" "$(mktemp -d "$trash/XXXXXX")/"
    else
      rm -rf "$1"
    fi
  }
  clear_outzip() { discard "$outzip"; }
  clear_out() { discard "$out"; }
  # Intake is warmed by reading the evidence once, not by a whole extra `exhibit add` run.
  read_evidence() { find "$case/evidence" -type f -print0 | xargs -0 cat >/dev/null; }

  log "scenario ($scen): measuring"
  measure "$scen" intake "dossier exhibit add evidence" restore_case read_evidence \
    "$D" -C "$case" exhibit add evidence
  # `build` seals only a case that `check` accepts: a subject meeting a criterion, cited by an
  # exhibit, and a lead signatory (not timed; invented, as the sample case).
  {
    "$D" -C "$case" subject add "Vadim Orzhelov" --nationality NL --born 1970 \
      --position "Deputy Head, Internal Security Directorate, 2014" \
      --criterion 'us-glomag:1(a)(ii)(A)' --exhibit E-001 \
      --argument "As deputy head he ordered the detentions that the exhibits record." &&
      "$D" -C "$case" signatory add "Norzhavia Accountability Project" --role lead --country NL \
        --contact "Maren Lindqvist-Okoro" --email referrals@example.org &&
      "$D" -C "$case" check
  } >"$LOGS/$scen-case.log" 2>&1 || die "the case of ($scen) is not ready to build: see $LOGS/$scen-case.log"
  measure "$scen" build_zip "dossier build --date $DATE --force --out OUT" clear_outzip self \
    "$D" -C "$case" build --date "$DATE" --force --out "$outzip"
  fact "$scen" zip_bytes "$(stat -c %s "$outzip/$name.zip")"
  discard "$outzip"
  # Scenario (a) writes 4 GiB: is build bound by the CPU or by the disk? The same build with the
  # zip in memory (tmpfs), and a plain copy of the evidence to the bench disk with its own sync.
  if [ "$scen" = a ] && [ -d /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt "$(($(fact_value "$scen" evidence_bytes) / 1024 * 3 / 2))" ]; then
    local shm=/dev/shm/dossier-bench-$$
    clear_shm() { rm -rf "$shm"; }
    measure "$scen" build_zip_tmpfs "dossier build --date $DATE --force --out /dev/shm/..." clear_shm self \
      "$D" -C "$case" build --date "$DATE" --force --out "$shm"
    rm -rf "$shm"
    clear_copy() { rm -f "$dir/disk-write-test"; }
    measure "$scen" disk_write "cat evidence/* > one file on the bench disk && sync it" clear_copy self \
      sh -c 'find "$1/evidence" -type f -print0 | xargs -0 cat >"$2" && sync "$2"' sh "$case" "$dir/disk-write-test"
    rm -f "$dir/disk-write-test"
  fi
  measure "$scen" build "dossier build --date $DATE --unpacked --force --out OUT" clear_out self \
    "$D" -C "$case" build --date "$DATE" --unpacked --force --out "$out"

  local zip=$out/$name.zip bag=$out/$name
  if [ ! -f "$zip" ] || [ ! -d "$bag" ]; then die "build did not write $zip and $bag"; fi
  local oxum
  oxum=$(sed -n 's/^Payload-Oxum: *//p' "$bag/bag-info.txt" | tr -d '\r')
  [ -n "$oxum" ] || die "no Payload-Oxum in $bag/bag-info.txt"
  fact "$scen" payload_bytes "${oxum%%.*}"
  fact "$scen" payload_files "${oxum##*.}"
  # How the exhibits were stored in the zip (stored = not deflated).
  python3 - "$zip" "$FACTS" "$scen" <<'PY'
import sys, zipfile
path, facts, scen = sys.argv[1:]
stored = deflated = 0
with zipfile.ZipFile(path) as z:
    for info in z.infolist():
        if "/data/exhibits/" in info.filename:
            if info.compress_type == zipfile.ZIP_STORED:
                stored += 1
            else:
                deflated += 1
with open(facts, "a") as f:
    f.write(f"{scen}\texhibits_stored\t{stored}\n{scen}\texhibits_deflated\t{deflated}\n")
PY

  measure "$scen" verify_zip "dossier verify OUT/$name.zip" nothing self \
    "$D" verify "$zip"
  measure "$scen" verify_folder "dossier verify OUT/$name" nothing self \
    "$D" verify "$bag"
  measure "$scen" sha256sum "sha256sum -c manifest-sha256.txt (in the bag)" nothing self \
    env -C "$bag" sha256sum -c manifest-sha256.txt
  measure "$scen" openssl "find data -type f -print0 | xargs -0 openssl dgst -sha256 (in the bag)" nothing self \
    env -C "$bag" bash -c 'find data -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null'
  measure "$scen" bagit "bagit.py --validate --processes 2 OUT/$name" nothing self \
    bagit.py --validate --processes 2 "$bag"

  if [ "$KEEP" != 1 ]; then rm -rf "$dir"; fi
}

# --- Scenario (d): PDF rendering ----------------------------------------------------------------

# The files of a case of COUNT exhibits for (d): the evidence under CASE/evidence, and in CSVDIR
# the subjects, their criteria and the events as CSV for `dossier import`. Exhibits are 1-4 KiB
# (small, so that the build's time is the rendering's, not the hashing's), in turn a photo, a
# statement and a document, with the magic bytes of JPEG and PDF so that intake finds three media
# types in three folders (what the index summarises past its limit). Event N cites exhibit N (2,000
# events cite 2,000 exhibits), each criterion five exhibits spread over the whole case. Fixed seed:
# the same case on every run. Everything is invented, as in the sample case (the Republic of
# Norzhavia, country code XX).
generate_d() {
  python3 - "$@" "$D_EVENTS" "$D_SUBJECTS" <<'PY'
import csv, datetime, os, random, sys
case, csvdir, count, n_events, n_subjects = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
rng = random.Random(20260101)
kinds = [("photos", "photo", "jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
         ("statements", "statement", "txt", None),
         ("documents", "document", "pdf", b"%PDF-1.4\n")]
words = ("the guards took him to block B at night and the officer ordered the transfer of the "
         "detainees to the warehouse where the payment for the contract was made").split()
for folder, *_ in kinds:
    os.makedirs(os.path.join(case, "evidence", folder), exist_ok=True)
for i in range(count):
    folder, stem, ext, magic = kinds[i % 3]
    size = rng.randint(1024, 4096)
    if magic is None:
        body = " ".join(rng.choice(words) for _ in range(size // 4)).encode()[:size]
    else:
        body = magic + rng.randbytes(size - len(magic))
    with open(os.path.join(case, "evidence", folder, f"{stem}-{i + 1:06d}.{ext}"), "wb") as f:
        f.write(body)

def exhibit(n):  # ids have three digits at least: E-001, E-1000
    return f"E-{n:03d}"

# An executive summary (`init` leaves a placeholder), a few paragraphs as a real one has.
with open(os.path.join(case, "narrative", "summary.md"), "w", encoding="utf-8") as f:
    f.write(
        "# Executive summary\n\n"
        f"This referral asks for the designation of **{n_subjects} officials** of the Internal "
        "Security Directorate of the *Republic of Norzhavia* (a fictional state, as is every "
        "person and place in this case) for the arbitrary detention and torture of protesters "
        f"between 2014 and 2022, and for the procurement fraud that paid for it.\n\n"
        f"The {n_events:,} events of the timeline rest on {count:,} exhibits: photographs, "
        "witness statements and documents collected by the Norzhavia Accountability Project. "
        "Each subject's criteria cite the exhibits that prove them.\n\n"
        "- Detentions at checkpoints and in block B of the directorate's centre in Qelvaran.\n"
        "- Transfers of detainees to unofficial sites in Dorvask and Mirelsk.\n"
        "- Payments under contracts awarded without tender to companies the officials controlled.\n"
    )

places = ["Qelvaran", "Dorvask", "Mirelsk", "Tarnovy Bay", "Ostrel", "Vyshen Pass", "Kalmora", "Sedrinsk"]
firsts = ["Vadim", "Orest", "Larik", "Danel", "Ilvar", "Rusko", "Temir", "Bogar", "Yaren", "Miron"]
lasts = ["Orzhelov", "Kastrevin", "Drunevsky", "Velmorov", "Sabrilov", "Tarkhelin", "Zhovanets",
         "Pelmiradze", "Quorenko", "Varsheyev"]
os.makedirs(csvdir, exist_ok=True)
with open(os.path.join(csvdir, "subjects.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "kind", "nationalities", "positions", "born", "birthplace"])
    for s in range(n_subjects):
        w.writerow([f"{firsts[s % 10]} {lasts[(s * 3 + s // 10) % 10]}", "person", "XX",
                    f"Deputy Head, Internal Security Directorate {s + 1}, {2012 + s % 6}",
                    f"{1958 + s}-{1 + s % 12:02d}-{1 + s % 28:02d}", rng.choice(places)])
clauses = {"us-glomag": ["1(a)(ii)(A)", "1(a)(ii)(B)(1)"], "uk-ghr": ["4(2)(a)", "4(2)(b)"],
           "uk-gac": ["4(2)(a)", "6(2)(a)"]}
with open(os.path.join(csvdir, "criteria.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["subject", "criterion", "argument", "exhibits"])
    for s in range(n_subjects):
        for regime, options in clauses.items():
            cited = sorted(rng.sample(range(1, count + 1), 5))
            w.writerow([f"S-{s + 1:03d}", f"{regime}:{options[s % 2]}",
                        "As deputy head of the directorate he ordered the detentions and approved "
                        "the payments that the cited exhibits record.",
                        ";".join(exhibit(n) for n in cited)])
start = datetime.date(2014, 1, 1)
with open(os.path.join(csvdir, "events.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["date", "title", "description", "location", "subjects", "exhibits"])
    for v in range(n_events):
        day = start + datetime.timedelta(days=rng.randint(0, 8 * 365))
        # Mostly days; some ranges and months, as investigators write them.
        date = {0: f"{day:%Y-%m-%d}..{day + datetime.timedelta(days=rng.randint(1, 60)):%Y-%m-%d}",
                1: f"{day:%Y-%m}"}.get(v % 10, f"{day:%Y-%m-%d}")
        place = rng.choice(places)
        what = rng.choice(["Detention", "Beating", "Transfer", "Payment", "Raid"])
        who = f"S-{rng.randint(1, n_subjects):03d}:commander" if v % 3 else ""
        w.writerow([date, f"{what} at {place}, incident {v + 1}",
                    "Witnesses describe the incident in their statements.", place, who,
                    exhibit(v % count + 1)])
PY
}

# Gives every exhibit of CASE a title, a source, a collector, a date and a language in case.json,
# as a team fills them in, so that the index rows are as long as real ones. Hand edits of these
# texts are allowed (docs/case-format.md). `dossier import --as exhibits` sets the same fields
# in about the time of `exhibit add` (scenario (e)); the case is made as before so that the
# figures of (d) stay comparable with earlier runs.
describe_exhibits() {
  python3 - "$1/case.json" <<'PY'
import json, os, random, sys
path = sys.argv[1]
rng = random.Random(20260102)
with open(path, encoding="utf-8") as f:
    case = json.load(f)
kinds = {"photos": "Photograph", "statements": "Witness statement", "documents": "Document"}
places = ["Qelvaran", "Dorvask", "Mirelsk", "Tarnovy Bay", "Ostrel", "Vyshen Pass", "Kalmora", "Sedrinsk"]
for e in case["exhibits"]:
    folder, name = e["path"].split("/", 1)
    number = int(name.split(".")[0].rsplit("-", 1)[1])
    e["title"] = f"{kinds[folder]} {number}, {rng.choice(places)}"
    e["source"]["provider"] = f"Witness W-{rng.randint(1, 400):03d}"
    e["source"]["method"] = "interview in person"
    e["collected_by"] = "Maren Lindqvist-Okoro"
    e["collected_at"] = f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
    e["language"] = "en"
with open(path + ".part", "w", encoding="utf-8") as f:
    json.dump(case, f, ensure_ascii=False, indent=2)
    f.write("\n")
os.replace(path + ".part", path)
PY
}

# case.json FROM written to TO with no regimes: `build --draft` then renders no PDF and does
# everything else as before, which isolates the rendering's share of the build. (`--draft`:
# `check` calls a case without a regime an error, and `build` refuses to seal it otherwise; the
# checks still run, as in the build with regimes.)
without_regimes() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    case = json.load(f)
case["regimes"] = []
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(case, f, ensure_ascii=False, indent=2)
    f.write("\n")
PY
}

# One case of (d): SIZE is `small` or `large`, COUNT its exhibits. Makes the case through the
# command line (not timed), then times `build` without regimes and with its three.
run_pdf_case() {
  local size=$1 count=$2
  local dir=$BENCH_DIR/d-$size
  local case=$dir/case out=$dir/out csv=$dir/csv
  local id="BENCH-D-${size^^}"
  local name="$id-full-$DATE"
  mkdir -p "$dir"

  log "scenario (d), $count exhibits: making the case"
  local started=$SECONDS regime_flags=() r
  for r in $D_REGIMES; do regime_flags+=(--regime "$r"); done
  {
    "$D" init "$case" --title "Benchmark scenario d: PDF rendering, $count exhibits" --id "$id" "${regime_flags[@]}" &&
      generate_d "$case" "$csv" "$count" &&
      "$D" -C "$case" exhibit add evidence &&
      describe_exhibits "$case" &&
      "$D" -C "$case" import "$csv/subjects.csv" --as subjects &&
      "$D" -C "$case" import "$csv/criteria.csv" --as criteria &&
      "$D" -C "$case" import "$csv/events.csv" --as events &&
      "$D" -C "$case" signatory add "Norzhavia Accountability Project" --role lead --country NL \
        --contact "Maren Lindqvist-Okoro" --email referrals@example.org
  } >"$LOGS/d-$size-make.log" 2>&1 || die "making the case of (d) failed: see $LOGS/d-$size-make.log"
  # A case that `check` rejects is not a referral anyone would render: it would measure the
  # wrong thing. (Warnings are expected: most exhibits of the large case support nothing.)
  "$D" -C "$case" check >"$LOGS/d-$size-check.log" 2>&1 ||
    die "dossier check finds errors in the case of (d): see $LOGS/d-$size-check.log"
  fact d "${size}_setup_seconds" $((SECONDS - started))
  python3 - "$case/case.json" "$FACTS" "$size" <<'PY'
import json, sys
path, facts, size = sys.argv[1:]
with open(path, encoding="utf-8") as f:
    case = json.load(f)
cited = {x for s in case["subjects"] for c in s["criteria"] for x in c["exhibits"]}
cited |= {x for e in case["events"] for x in e["exhibits"]}
with open(facts, "a") as f:
    for name, value in [("exhibits", len(case["exhibits"])), ("events", len(case["events"])),
                        ("subjects", len(case["subjects"])),
                        ("criteria", sum(len(s["criteria"]) for s in case["subjects"])),
                        ("cited", len(cited)),
                        ("evidence_bytes", sum(e["size"] for e in case["exhibits"]))]:
        f.write(f"d\t{size}_{name}\t{value}\n")
PY

  clear_out() { rm -rf "$out"; }
  cp "$case/case.json" "$dir/with-regimes.json"
  without_regimes "$dir/with-regimes.json" "$dir/without-regimes.json"
  log "scenario (d), $count exhibits: measuring"
  cp "$dir/without-regimes.json" "$case/case.json"
  measure d "${size}_nopdf" "dossier build --draft --date $DATE --force --out OUT (\"regimes\": [])" clear_out self \
    "$D" -C "$case" build --draft --date "$DATE" --force --out "$out"
  cp "$dir/with-regimes.json" "$case/case.json"
  measure d "${size}_pdf" "dossier build --date $DATE --force --out OUT" clear_out self \
    "$D" -C "$case" build --date "$DATE" --force --out "$out"

  # Pages and bytes of each submission, from the zip of the last run.
  [ -f "$out/$name.zip" ] || die "build did not write $out/$name.zip"
  fact d "${size}_zip_bytes" "$(stat -c %s "$out/$name.zip")"
  mkdir -p "$dir/pdf"
  local pdf pages
  for r in $D_REGIMES; do
    pdf=$dir/pdf/submission-$r.pdf
    python3 - "$out/$name.zip" "$name/data/submission-$r.pdf" "$pdf" <<'PY' ||
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
      die "the dossier of (d) has no data/submission-$r.pdf"
    pages=$(pdfinfo "$pdf" 2>"$LOGS/d-$size-pdfinfo-$r.log" | awk '/^Pages:/ { print $2 }')
    [ -n "$pages" ] || die "pdfinfo cannot read data/submission-$r.pdf of (d): see $LOGS/d-$size-pdfinfo-$r.log"
    fact d "${size}_pages_$r" "$pages"
    fact d "${size}_pdf_bytes_$r" "$(stat -c %s "$pdf")"
  done

  if [ "$KEEP" != 1 ]; then rm -rf "$dir"; fi
}

# --- Scenario (e): import --as exhibits against exhibit add -----------------------------------

# COUNT files of 1-4 KiB under CASE/evidence/docs, and CSV, one exhibit row per file with the
# columns a team fills in.
generate_e() {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, os, random, sys
case, count, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(20260103)  # the same files on every run
folder = os.path.join(case, "evidence", "docs")
os.makedirs(folder, exist_ok=True)
with open(rows, "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f)
    out.writerow(["path", "title", "source", "collected_by", "collected_at", "language"])
    for i in range(count):
        name = f"doc-{i:06d}.txt"
        with open(os.path.join(folder, name), "wb") as doc:
            doc.write(os.urandom(rng.randint(1024, 4096)))
        out.writerow([f"evidence/docs/{name}", f"Witness statement {i + 1}",
                      f"Witness W-{rng.randint(1, 400):03d}", "Maren Lindqvist-Okoro",
                      f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z", "en"])
PY
}

# One import of (e): SIZE is `small` or `large`, COUNT its rows. Times `exhibit add evidence` and
# `import rows.csv --as exhibits` of the same files, each from the freshly initialised case.
run_import_case() {
  local size=$1 count=$2
  local dir=$BENCH_DIR/e-$size
  local case=$dir/case
  mkdir -p "$dir/fresh"
  log "scenario (e), $count rows: generating the evidence"
  "$D" init "$case" --title "Benchmark scenario e: import, $count rows" --id "BENCH-E-${size^^}" \
    --regime us-glomag >"$LOGS/e-$size-init.log" 2>&1 || die "dossier init failed: see $LOGS/e-$size-init.log"
  generate_e "$case" "$count" "$dir/rows.csv"
  cp "$case/case.json" "$case/custody.jsonl" "$dir/fresh/"
  fact e "${size}_rows" "$count"
  fact e "${size}_evidence_bytes" "$(du -sb "$case/evidence" | cut -f1)"
  fresh_case() { cp "$dir/fresh/case.json" "$dir/fresh/custody.jsonl" "$case/"; }
  log "scenario (e), $count rows: measuring"
  measure e "${size}_add" "dossier exhibit add evidence" fresh_case self \
    "$D" -C "$case" exhibit add evidence
  measure e "${size}_import" "dossier import rows.csv --as exhibits" fresh_case self \
    "$D" -C "$case" import "$dir/rows.csv" --as exhibits
  # The import registered what the rows say: every file, and its title.
  python3 - "$case/case.json" "$count" <<'PY' || die "the import of (e) did not register every row"
import json, sys
case = json.load(open(sys.argv[1], encoding="utf-8"))
count = int(sys.argv[2])
assert len(case["exhibits"]) == count, len(case["exhibits"])
assert case["exhibits"][-1]["title"] == f"Witness statement {count}"
PY
  if [ "$KEEP" != 1 ]; then rm -rf "$dir"; fi
}

run_import_scenario() {
  local started=$SECONDS
  # Both commands take about a second at full size: (e) times each at least 3 times.
  local RUNS=$((RUNS > 3 ? RUNS : 3))
  fact e runs "$RUNS"
  run_import_case small "$E_SMALL"
  run_import_case large "$E_LARGE"
  fact e seconds $((SECONDS - started))
}

run_pdf_scenario() {
  local started=$SECONDS limit
  # The rendering time is the difference of two wall times of a few seconds, so one run's noise
  # counts twice; the builds are cheap, so (d) times each at least 3 times (measure reads RUNS).
  local RUNS=$((RUNS > 3 ? RUNS : 3))
  fact d runs "$RUNS"
  # The exhibit index's limit as the renderer has it: the report says which case passes it.
  limit=$(sed -n 's/^pub const FULL_INDEX_UP_TO: usize = \([0-9_]*\);.*/\1/p' "$REPO/src/render/mod.rs" | tr -d _)
  [ -z "$limit" ] || fact d full_index_up_to "$limit"
  run_pdf_case small "$D_SMALL"
  run_pdf_case large "$D_LARGE"
  fact d seconds $((SECONDS - started))
}

# --- Scenario (f): sanctions screening ---------------------------------------------------------

# `dossier check --sanctions` exits 1 on this case (it has no evidence or signatory: check's
# errors); the benchmark wants it to have run to its end, so 0 and 1 both count as success.
# Each command is a program /usr/bin/time can run (sh -c), its output sent to /dev/null.
CHECK_SANCTIONS='"$0" -C "$1" check --json --sanctions "$2" >"$3"; [ $? -le 1 ]'
PYTHON_JSON='import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line)'

run_sanctions_scenario() {
  local dir=$BENCH_DIR/f started=$SECONDS
  mkdir -p "$dir"
  log "scenario (f): $F_SUBJECTS subjects, $(mib "$F_BYTES") MiB of FtM lines"
  python3 "$REPO/bench/make-ftm.py" --write-subjects "$F_SUBJECTS" >"$dir/subjects.txt"
  python3 "$REPO/bench/make-ftm.py" "$dir/entities.ftm.json" "$F_BYTES" --subjects "$dir/subjects.txt"
  gzip -1 -k "$dir/entities.ftm.json"
  "$D" init "$dir/case" --title "Sanctions screening benchmark" --id BENCH-F --regime us-glomag >/dev/null
  while IFS='|' read -r name original born; do
    "$D" -C "$dir/case" subject add "$name" --original-script "$original" --born "$born" >/dev/null
  done <"$dir/subjects.txt"
  local plain=$dir/entities.ftm.json gz=$dir/entities.ftm.json.gz
  fact f bytes "$(stat -c %s "$plain")"
  fact f gzip_bytes "$(stat -c %s "$gz")"
  fact f lines "$(wc -l <"$plain")"
  fact f subjects "$F_SUBJECTS"
  # The same run, the same file, one after the other: the reference tools and dossier.
  measure f cat "cat FILE > /dev/null" nothing self sh -c 'cat "$1" >/dev/null' _ "$plain"
  measure f python "python3: json.loads of every line" nothing self python3 -c "$PYTHON_JSON" "$plain"
  measure f dossier "dossier check --sanctions FILE" nothing self sh -c "$CHECK_SANCTIONS" "$D" "$dir/case" "$plain" "$dir/last.json"
  python3 - "$dir/last.json" "$FACTS" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["sanctions"]
strong = sum(1 for x in s["subjects"] for m in x["matches"] if m["strength"] == "strong")
conflicts = sum(1 for x in s["subjects"] for m in x["matches"] if m["conflict"])
with open(sys.argv[2], "a") as f:
    for k, v in [("decoded", s["lines_decoded"]), ("sanctions", s["sanctions_read"]), ("strong", strong), ("conflicts", conflicts), ("skipped", s["skipped"])]:
        f.write(f"f\t{k}\t{v}\n")
PY
  measure f zcat "gzip -dc FILE.gz > /dev/null" nothing self sh -c 'gzip -dc "$1" >/dev/null' _ "$gz"
  measure f dossier_gz "dossier check --sanctions FILE.gz" nothing self sh -c "$CHECK_SANCTIONS" "$D" "$dir/case" "$gz" "$dir/last-gz.json"
  fact f seconds $((SECONDS - started))
  if [ "$KEEP" != 1 ]; then rm -rf "$dir"; fi
}

# --- Machine facts ------------------------------------------------------------------------------

BENCH_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
export BENCH_STARTED
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
  commit="$commit (plus uncommitted changes in src/ or Cargo files)"
fi
machine() { printf '%s\t%s\n' "$1" "$2" >>"$BENCH_DIR/machine.tsv"; }
: >"$BENCH_DIR/machine.tsv"
machine "Date (UTC)" "$BENCH_STARTED"
machine "dossier commit" "$commit"
machine "nproc" "$(nproc)"
machine "CPU model" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
if grep -qw sha_ni /proc/cpuinfo; then machine "sha_ni in /proc/cpuinfo" "yes"; else machine "sha_ni in /proc/cpuinfo" "no"; fi
machine "Memory" "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
machine "Kernel" "$(uname -sr)"
machine "Work disk" "$BENCH_DIR on $(df -T "$BENCH_DIR" | awk 'NR == 2 { print $2 " (" $1 ")" }')"
machine "rustc" "$(rustc --version 2>/dev/null || echo unknown)"
machine "openssl" "$(openssl version)"
machine "sha256sum" "$(sha256sum --version | sed -n 1p)"
machine "bagit.py" "$(bagit.py --version 2>&1 | sed -n 1p)"
machine "python3" "$(python3 --version 2>&1)"
runs_scenario d && machine "pdfinfo" "$(pdfinfo -v 2>&1 | sed -n 1p)"

# Sequential write speed with a final fsync: build ends with an fsync of the zip, so a slow disk
# shows in build's wall time.
dd_bytes=$((1073741824 * SCALE_PPM / 1000000))
((dd_bytes >= 16777216)) || dd_bytes=16777216
sync
dd_out=$(dd if=/dev/zero of="$BENCH_DIR/dd.test" bs=1M count=$((dd_bytes / 1048576)) conv=fdatasync 2>&1 | tail -n 1)
rm -f "$BENCH_DIR/dd.test"
machine "Disk write (dd $((dd_bytes / 1048576)) MiB, fdatasync)" "${dd_out##*, }"

log "scale $SCALE: (a) $A_COUNT x $(mib "$A_SIZE") MiB, (b) $B_COUNT small files, (c) $(mib "$C_SIZE") MiB, (d) $D_SMALL and $D_LARGE exhibits, (e) $E_SMALL and $E_LARGE rows; work dir $BENCH_DIR"
for s in $SCENARIOS; do
  case $s in
    d) run_pdf_scenario ;;
    e) run_import_scenario ;;
    f) run_sanctions_scenario ;;
    *) run_scenario "$s" ;;
  esac
done

# --- Report -------------------------------------------------------------------------------------

export BENCH_SCALE=$SCALE BENCH_RUNS=$RUNS BENCH_SECONDS=$SECONDS BENCH_SCENARIOS=$SCENARIOS
export A_COUNT A_SIZE B_COUNT C_SIZE DATE D_REGIMES
mkdir -p "$(dirname "$BENCH_OUT")"
# A run of only some parts ((a)-(c), (d), (e), (f)) keeps the others from the report as they were.
keep=()
[ -f "$BENCH_OUT" ] && keep=(--keep "$BENCH_OUT")
python3 "$REPO/bench/report.py" "$BENCH_DIR/machine.tsv" "$FACTS" "$RESULTS" "${keep[@]}" >"$BENCH_OUT.part"
mv "$BENCH_OUT.part" "$BENCH_OUT"
log "done in $((SECONDS / 60)) min $((SECONDS % 60)) s: $BENCH_OUT"
