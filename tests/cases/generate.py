#!/usr/bin/env python3
"""Writes the data-driven scoring cases (one JSON file per case) under tests/cases/.

Expectations are written by hand from DESIGN.md section 3, never computed by the
scorer. Re-run after editing: python3 tests/cases/generate.py
"""
import json, os, shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
MISSING = object()
CASES = {}

S = {"type": ["string", "null"]}
N = {"type": ["number", "null"]}
I = {"type": ["integer", "null"]}
B = {"type": ["boolean", "null"]}
def D(order=None):
    d = {"type": ["string", "null"], "format": "date"}
    if order: d["x-rules"] = {"dateOrder": order}
    return d
CUR = {"type": "object", "extend:type": "currency", "properties": {"amount": N, "iso_4217_currency_code": S},
       "required": ["amount", "iso_4217_currency_code"]}
CUR_SHAPE = {"type": ["object", "null"], "properties": {"amount": N, "iso_4217_currency_code": S}}
E = {"type": ["string", "null"], "enum": ["paid", "unpaid", "void", None]}
def OBJ(**props): return {"type": ["object", "null"], "properties": props}
def ARR(items): return {"type": ["array", "null"], "items": items}
def ROWS(**props): return ARR({"type": "object", "properties": props})
def schema(**props): return {"schema": {"type": "object", "properties": props}}


def add(topic, name, case):
    key = f"{topic}/{name}"
    assert key not in CASES, key
    CASES[key] = case


def value(d):
    return {"value": {k: v for k, v in d.items() if v is not MISSING}}


def field(topic, name, desc, spec, e, a, verdict, reason, score=None, options=None, extra=None, metrics=None):
    """One-field extractor case on field `f`."""
    f = {"verdict": verdict, "reason": reason}
    if score is not None: f["score"] = score
    elif verdict in ("correct", "incorrect"): f["score"] = 1 if verdict == "correct" else 0
    if extra: f.update(extra)
    case = {"description": desc, "kind": "extract", "config": schema(f=spec),
            "expected": value({"f": e}), "actual": value({"f": a}),
            "expect": {"item": {"correct": verdict != "incorrect", "fields": {"f": f}}}}
    if options: case["options"] = options
    if metrics: case["expect"]["metrics"] = metrics
    add(topic, name, case)


def ok(topic, name, desc, spec, e, a, **kw): field(topic, name, desc, spec, e, a, "correct", "match", **kw)
def bad(topic, name, desc, spec, e, a, reason="value_mismatch", **kw): field(topic, name, desc, spec, e, a, "incorrect", reason, **kw)

# ---------------------------------------------------------------- strings
T = "strings"
ok(T, "exact", "identical strings", S, "Acme", "Acme")
ok(T, "trim", "surrounding whitespace is trimmed", S, "Acme", "  Acme \t")
ok(T, "collapse_spaces", "runs of spaces collapse", S, "Acme Corp", "Acme    Corp")
ok(T, "collapse_newline", "newlines and tabs count as whitespace", S, "Acme Corp", "Acme\n\tCorp")
ok(T, "nbsp", "no-break space is whitespace", S, "Acme Corp", "Acme\u00a0Corp")
ok(T, "ideographic_space", "U+3000 ideographic space is whitespace", S, "東京 都", "東京\u3000都")
bad(T, "case_sensitive", "plain string comparison keeps case", S, "Acme", "ACME")
ok(T, "nfc_vs_nfd", "NFC equals NFD (e + combining acute)", S, "Caf\u00e9", "Cafe\u0301")
ok(T, "nfd_vs_nfc_umlaut", "NFD expected equals NFC actual", S, "Zoe\u0308", "Zo\u00eb")
ok(T, "hangul_jamo", "decomposed Hangul jamo compose under NFC", S, "\ud55c", "\u1112\u1161\u11ab")
ok(T, "cjk_exact", "CJK text", S, "東京都千代田区", "東京都千代田区")
bad(T, "cjk_mismatch", "one CJK character differs", S, "東京都", "東京府")
ok(T, "emoji_exact", "emoji (astral code points)", S, "Thanks 👍", "Thanks 👍")
bad(T, "emoji_mismatch", "different emoji", S, "👍", "👎")
ok(T, "empty_both", "two empty strings", S, "", "")
bad(T, "empty_vs_null", "empty expected string, null actual", S, "", None, reason="null_value")
bad(T, "number_for_string", "a number where a string is expected", S, "5", 5, reason="type_mismatch")
bad(T, "substring", "a longer actual string", S, "Acme", "Acme Inc")
ok(T, "only_whitespace_vs_empty", "whitespace-only normalizes to empty", S, "", "   ")
bad(T, "object_for_string", "an object where a string is expected", S, "x", {"x": 1}, reason="type_mismatch")
ok(T, "mixed_scripts", "Latin, Cyrillic and Arabic together", S, "Acme Москва شركة", "Acme  Москва شركة")

# ---------------------------------------------------------------- fuzzy
T = "fuzzy"
FZ = {"fuzzyMatchFields": ["f"]}
ok(T, "at_threshold", "1 edit in 10 code points: similarity exactly 0.9 meets the 0.9 threshold", S,
   "abcdefghij", "abcdefghiX", options=FZ, extra={"similarity": 0.9})
bad(T, "below_threshold", "2 edits in 10: similarity 0.8", S, "abcdefghij", "abcdefghXY",
    reason="below_fuzzy_threshold", options=FZ, extra={"similarity": 0.8})
ok(T, "custom_threshold", "threshold 0.8 accepts 2 edits in 10", S, "abcdefghij", "abcdefghXY",
   options={**FZ, "fuzzyThreshold": 0.8}, extra={"similarity": 0.8})
ok(T, "twenty_chars_two_edits", "2 edits in 20: exactly 0.9", S, "abcdefghijklmnopqrst", "abcdefghijklmnopqrXY", options=FZ)
bad(T, "twenty_chars_three_edits", "3 edits in 20: 0.85", S, "abcdefghijklmnopqrst", "abcdefghijklmnopqXYZ",
    reason="below_fuzzy_threshold", options=FZ, extra={"similarity": 0.85})
ok(T, "case_folded", "fuzzy comparison is case-insensitive", S, "ACME Corporation", "acme corporation", options=FZ,
   extra={"similarity": 1})
ok(T, "sharp_s_folding", "full case folding: STRASSE vs straße", S, "STRASSE", "straße", options=FZ)
bad(T, "accent_counts_one_code_point", "é vs e is one edit of 4 code points (0.75), not bytes", S, "Café", "Cafe",
    reason="below_fuzzy_threshold", options=FZ, extra={"similarity": 0.75})
ok(T, "accent_at_custom_threshold", "0.75 similarity exactly at a 0.75 threshold", S, "Café", "Cafe",
   options={**FZ, "fuzzyThreshold": 0.75})
bad(T, "cjk_one_of_four", "one CJK character of four: 0.75", S, "東京都庁", "東京都廳", reason="below_fuzzy_threshold",
    options=FZ, extra={"similarity": 0.75})
bad(T, "emoji_code_points", "one emoji of six code points differs: 0.8333", S, "ok 👍👍👍", "ok 👍👍👎",
    reason="below_fuzzy_threshold", options=FZ, extra={"similarity": 0.8333})
ok(T, "emoji_custom_threshold", "0.8333 passes a 0.8 threshold", S, "ok 👍👍👍", "ok 👍👍👎",
   options={**FZ, "fuzzyThreshold": 0.8})
bad(T, "threshold_one", "threshold 1.0 demands equality after folding", S, "abc", "abd", reason="below_fuzzy_threshold",
    options={**FZ, "fuzzyThreshold": 1.0})
ok(T, "threshold_one_case", "threshold 1.0 still folds case", S, "abc", "ABC", options={**FZ, "fuzzyThreshold": 1.0})
ok(T, "empty_both", "two empty strings have similarity 1", S, "", "", options=FZ, extra={"similarity": 1})
bad(T, "empty_vs_text", "empty vs text: similarity 0", S, "", "abc", reason="below_fuzzy_threshold", options=FZ,
    extra={"similarity": 0})
ok(T, "whitespace_first", "whitespace is normalized before measuring", S, "Acme Corp", "  Acme   Corp ", options=FZ,
   extra={"similarity": 1})
ok(T, "nfd_first", "NFD is composed before measuring", S, "Caf\u00e9 Noir", "Cafe\u0301 noir", options=FZ)
ok(T, "null_both", "null equals null on fuzzy fields", S, None, None, options=FZ)
bad(T, "null_actual", "null actual on a fuzzy field", S, "Acme", None, reason="null_value", options=FZ)
bad(T, "not_fuzzy_without_option", "without the option the same pair is a mismatch", S, "abcdefghij", "abcdefghiX")
add(T, "invalid_on_number", {"description": "fuzzy matching a number field is rejected", "kind": "extract",
    "config": schema(f=N), "options": FZ, "expected": value({"f": 1}), "actual": value({"f": 1}),
    "expect": {"optionsValid": False}})
add(T, "invalid_threshold", {"description": "fuzzyThreshold 0 is rejected", "kind": "extract",
    "config": schema(f=S), "options": {**FZ, "fuzzyThreshold": 0}, "expected": value({"f": "a"}),
    "actual": value({"f": "a"}), "expect": {"optionsValid": False}})
add(T, "column", {"description": "fuzzy column inside an array of objects", "kind": "extract",
    "config": schema(items=ROWS(description=S, qty=N)),
    "options": {"fuzzyMatchFields": ["items[].description"]},
    "expected": value({"items": [{"description": "Blue widget large", "qty": 2}, {"description": "Red gadget", "qty": 1}]}),
    "actual": value({"items": [{"description": "red gadget", "qty": 1}, {"description": "Blue widget larg", "qty": 2}]}),
    "expect": {"item": {"correct": True, "fields": {"items": {"score": 1, "correctCells": 4}}}}})
add(T, "scalar_array", {"description": "fuzzy array of strings: 'Acme Corp' vs 'Acme Corp.' is 0.9", "kind": "extract",
    "config": schema(f=ARR(S)), "options": FZ,
    "expected": value({"f": ["Acme Corp", "Globex"]}), "actual": value({"f": ["Globex", "Acme Corp."]}),
    "expect": {"item": {"correct": True, "fields": {"f": {"score": 1}}}}})
add(T, "mixed_fields", {"description": "only the listed field is fuzzy", "kind": "extract",
    "config": schema(a=S, b=S), "options": {"fuzzyMatchFields": ["a"]},
    "expected": value({"a": "abcdefghij", "b": "abcdefghij"}), "actual": value({"a": "abcdefghiX", "b": "abcdefghiX"}),
    "expect": {"item": {"correct": False, "score": 0.5, "fields": {"a": {"verdict": "correct"}, "b": {"verdict": "incorrect", "reason": "value_mismatch"}}}}})

# ---------------------------------------------------------------- numbers
T = "numbers"
ok(T, "int_vs_double", "100 equals 100.0", N, 100, 100.0)
ok(T, "thousands_string_actual", "'1,234.50' parses to 1234.5", N, 1234.5, "1,234.50")
ok(T, "thousands_string_expected", "numeric string in expected", N, "1,234.50", 1234.5)
ok(T, "negative_grouped", "'-1,234'", N, -1234, "-1,234")
ok(T, "plus_sign", "'+5'", N, 5, "+5")
ok(T, "float_rounding", "0.1+0.2 equals 0.3 within 1e-9 relative", N, 0.3, 0.30000000000000004)
ok(T, "large_relative", "1e12 vs 1e12+1 differ by 1e-12 relative", N, 1e12, 1000000000001)
bad(T, "small_difference", "1000 vs 1000.001 differ by 1e-6 relative", N, 1000, 1000.001)
ok(T, "tiny_relative", "1 vs 1.0000000001 (1e-10 relative)", N, 1, 1.0000000001)
bad(T, "words", "'ten' is not a number", N, 10, "ten", reason="type_mismatch")
bad(T, "bad_grouping", "'1,23' is not a valid grouping", N, 123, "1,23", reason="type_mismatch")
ok(T, "integer_type", "integer field", I, 42, 42)
ok(T, "integer_string", "integer field with numeric string", I, 42, "42")
ok(T, "zero_negative_zero", "0 equals -0.0", N, 0, -0.0)
bad(T, "bool_for_number", "boolean where a number is expected", N, 1, True, reason="type_mismatch")
ok(T, "padded_string", "' 3.5 ' trims", N, 3.5, " 3.5 ")
ok(T, "exponent", "'1e3' equals 1000", N, 1000, "1e3")
bad(T, "digits_swapped", "12 vs 21", N, 12, 21)
bad(T, "null_actual", "number vs null", N, 12, None, reason="null_value")
ok(T, "million_grouped", "'1,000,000' equals 1e6", N, 1000000, "1,000,000")
bad(T, "sign_flip", "-5 vs 5", N, -5, 5)
ok(T, "leading_dot", "'.5' equals 0.5", N, 0.5, ".5")

# Integers beyond 2^53 and beyond int64 are whole numbers as sent (issue 24).
add(T, "integer_beyond_int64", {"description": "an integer above int64 (uint64 max) is a valid integer and equals itself",
    "kind": "extract", "config": schema(f=I), "expected": value({"f": 18446744073709551615}),
    "actual": value({"f": 18446744073709551615}),
    "expect": {"expectedValid": True, "item": {"correct": True, "fields": {"f": {"verdict": "correct"}}}}})
add(T, "integer_above_2_53", {"description": "9007199254740993 (2^53 + 1) is a valid integer", "kind": "extract",
    "config": schema(f=I), "expected": value({"f": 9007199254740993}), "actual": value({"f": 9007199254740993}),
    "expect": {"expectedValid": True, "item": {"correct": True}}})

# ---------------------------------------------------------------- currency
T = "currency"
def cur(a, c): return {"amount": a, "iso_4217_currency_code": c}
ok(T, "exact", "same amount and code", CUR, cur(1200.5, "USD"), cur(1200.5, "USD"))
ok(T, "code_case", "codes compare ignoring case", CUR, cur(1200.5, "USD"), cur(1200.50, "usd"))
ok(T, "sub_cent", "amounts within half a cent are equal to the cent", CUR, cur(1200.50, "USD"), cur(1200.504, "USD"))
bad(T, "one_cent", "a one-cent difference", CUR, cur(1200.50, "USD"), cur(1200.51, "USD"))
bad(T, "code_differs", "EUR vs USD", CUR, cur(10, "EUR"), cur(10, "USD"))
ok(T, "string_amount", "amount given as '1,200.50'", CUR, cur(1200.5, "USD"), cur("1,200.50", "USD"))
ok(T, "null_amounts", "null amounts with equal codes", CUR, cur(None, "USD"), cur(None, "USD"))
bad(T, "null_vs_amount", "null amount vs a number", CUR, cur(None, "USD"), cur(5, "USD"))
bad(T, "string_for_object", "'1200.50 USD' instead of an object", CUR, cur(1200.5, "USD"), "1200.50 USD", reason="type_mismatch")
ok(T, "whole_null", "null currency equals null", CUR, None, None)
ok(T, "detected_by_shape", "currency recognised by the {amount, iso_4217_currency_code} shape", CUR_SHAPE,
   cur(99.99, "GBP"), cur(99.99, "gbp"))
bad(T, "missing_code", "code missing in actual", CUR, cur(5, "USD"), {"amount": 5})
bad(T, "bad_amount", "non-numeric amount", CUR, cur(5, "USD"), cur("five", "USD"), reason="type_mismatch")
bad(T, "null_actual", "null currency actual", CUR, cur(5, "USD"), None, reason="null_value")

# ---------------------------------------------------------------- dates
T = "dates"
ok(T, "iso", "ISO 8601", D(), "2024-03-12", "2024-03-12")
ok(T, "default_slash_mdy", "default order reads slashes month-first", D(), "2024-03-12", "03/12/2024")
bad(T, "default_slash_not_dmy", "default order: 12/03/2024 is December 3", D(), "2024-03-12", "12/03/2024")
ok(T, "dmy_slash", "x-rules.dateOrder DMY", D("DMY"), "2024-03-12", "12/03/2024")
ok(T, "mdy_slash", "x-rules.dateOrder MDY", D("MDY"), "2024-03-12", "03/12/2024")
bad(T, "dmy_rejects_mdy_reading", "DMY reads 03/12/2024 as 3 December", D("DMY"), "2024-03-12", "03/12/2024")
ok(T, "default_dot_dmy", "default order reads dots day-first", D(), "2024-03-12", "12.03.2024")
ok(T, "mdy_dot", "MDY applies to dots too", D("MDY"), "2024-12-03", "12.03.2024")
ok(T, "ymd_two_digit", "YMD with a two-digit year", D("YMD"), "2024-03-12", "24/03/12")
ok(T, "month_name_us", "'March 12, 2024'", D(), "2024-03-12", "March 12, 2024")
ok(T, "month_name_eu", "'12 Mar 2024'", D(), "2024-03-12", "12 Mar 2024")
ok(T, "month_name_dmy_rule", "month names are unambiguous regardless of dateOrder", D("DMY"), "2024-03-12", "Mar 12 2024")
ok(T, "weekday_ordinal", "'Tuesday, 12th March 2024'", D(), "2024-03-12", "Tuesday, 12th March 2024")
ok(T, "sept", "'Sept 5, 2024'", D(), "2024-09-05", "Sept 5, 2024")
ok(T, "iso_datetime", "ISO date-time compares by day", D(), "2024-03-12", "2024-03-12T10:00:00Z")
ok(T, "compact", "'20240312'", D(), "2024-03-12", "20240312")
bad(T, "only_valid_reading", "13/03/2024 under MDY falls back to the only valid reading (13 March)", D("MDY"),
    "2024-03-12", "13/03/2024")
ok(T, "only_valid_reading_match", "13/03/2024 under MDY is 13 March", D("MDY"), "2024-03-13", "13/03/2024")
bad(T, "not_a_date", "'next tuesday'", D(), "2024-03-12", "next tuesday", reason="invalid_date")
bad(T, "impossible_day", "30 February", D(), "2024-02-28", "2024-02-30", reason="invalid_date")
ok(T, "leap_day", "29 February 2024", D(), "2024-02-29", "02/29/2024")
ok(T, "two_digit_year", "12/03/24 under DMY", D("DMY"), "2024-03-12", "12/03/24")
ok(T, "expected_non_iso", "expected in day-first form, actual ISO", D("DMY"), "12/03/2024", "2024-03-12")
ok(T, "extend_type_date", "date recognised by extend:type", {"type": ["string", "null"], "extend:type": "date"},
   "2024-03-12", "12 March 2024")
ok(T, "null_both", "null dates", D(), None, None)
bad(T, "null_actual", "date vs null", D(), "2024-03-12", None, reason="null_value")
bad(T, "off_by_one_day", "a different day", D(), "2024-03-12", "2024-03-13")
ok(T, "dash_dmy", "12-03-2024 with DMY", D("DMY"), "2024-03-12", "12-03-2024")
ok(T, "abbrev_dash", "'12-Mar-2024'", D(), "2024-03-12", "12-Mar-2024")

# Forms receipts and invoices print (issue 24): each accepted form reads as 25 March
# 2018, each rejected one is an invalid date. docs/evaluation.md has the same table.
DAY = "2018-03-25"
for name, text in [("form_day_abbrev_year", "25 Mar 2018"), ("form_abbrev_day_comma_year", "Mar 25, 2018"),
                   ("form_dash_caps_two_digit_year", "25-MAR-18"), ("form_full_month_ordinal", "March 25th 2018"),
                   ("form_abbrev_dot", "Mar. 25, 2018"), ("form_the_of", "the 25th of March 2018"),
                   ("form_weekday_zone", "Sun, 25 Mar 2018 21:27 UTC"),
                   ("form_iso_space_time", "2018-03-25 21:27:05"), ("form_iso_t_time_offset", "2018-03-25T21:27:05+02:00"),
                   ("form_trailing_12h", "25 Mar 2018 9:27PM"), ("form_trailing_12h_dots", "Mar 25, 2018, 9:27 p.m."),
                   ("form_trailing_24h_numeric", "03/25/2018 21:27:05"), ("form_trailing_at", "Mar 25, 2018 at 9:27 PM"),
                   ("form_trailing_hour_meridiem", "March 25th 2018 9 PM"), ("form_dotted_dmy_time", "25.03.2018 21:27")]:
    ok(T, name, f"accepted: '{text}'", D(), DAY, text)
for name, text in [("reject_time_only", "9:27PM"), ("reject_month_year", "Mar 2018"), ("reject_day_month", "25 Mar"),
                   ("reject_unknown_month", "25 Foo 2018"), ("reject_hour_25", "25 Mar 2018 25:00"),
                   ("reject_minute_61", "25 Mar 2018 9:61PM"), ("reject_meridiem_hour_13", "25 Mar 2018 13:00 PM"),
                   ("reject_bare_number_after", "25 Mar 2018 9"), ("reject_iso_glued_text", "2018-03-25garbage"),
                   ("reject_iso_trailing_word", "2018-03-25 tomorrow"), ("reject_two_dates", "Mar 25 2018 Mar 26 2018"),
                   ("reject_numeric_spaces", "25 03 2018"), ("reject_month_13", "13/13/2018"),
                   ("reject_feb_30_with_time", "30 Feb 2018 10:00")]:
    bad(T, name, f"rejected: '{text}'", D(), DAY, text, reason="invalid_date")
ok(T, "expected_with_time", "an expected value with a time of day reads as its day", D(), "25 Mar 2018 9:27PM", DAY)

# ---------------------------------------------------------------- booleans and enums
T = "booleans_enums"
ok(T, "true_true", "true equals true", B, True, True)
bad(T, "true_false", "true vs false", B, True, False)
bad(T, "string_true", "'true' is not a boolean", B, True, "true", reason="type_mismatch")
ok(T, "false_false", "false equals false", B, False, False)
bad(T, "false_null", "false vs null", B, False, None, reason="null_value")
ok(T, "enum_exact", "enum value", E, "paid", "paid")
bad(T, "enum_case", "enums are exact: 'Paid' vs 'paid'", E, "paid", "Paid")
bad(T, "enum_other", "another enum value", E, "paid", "void")
bad(T, "enum_number", "a number for an enum", E, "paid", 1, reason="type_mismatch")
ok(T, "enum_null", "null enum", E, None, None)

# ---------------------------------------------------------------- null vs missing
T = "nulls"
ok(T, "null_null", "null equals null", S, None, None)
ok(T, "null_missing", "expected null, actual key missing: nothing expected, nothing present", S, None, MISSING)
bad(T, "value_missing", "expected value, actual key missing", S, "x", MISSING, reason="missing")
bad(T, "null_value", "expected null, actual has a value", S, None, "x", reason="unexpected_value")
bad(T, "value_null", "expected value, actual null", S, "x", None, reason="null_value")
field(T, "unlabeled", "expected key missing: unlabeled, not counted", S, MISSING, "x", "unlabeled", "no_expected_value",
      score=0, metrics={"accuracy": "$absent", "fieldMetrics": {"f": {"countExpected": 0, "countPresent": 1, "countTotal": 1, "accuracy": "$absent"}}})
add(T, "actual_not_object", {"description": "an actual output that is not an object scores every field as missing",
    "kind": "extract", "config": schema(a=S, b=N), "expected": value({"a": "x", "b": 1}), "actual": "garbage",
    "expect": {"item": {"correct": False, "score": 0, "fields": {"a": {"reason": "missing"}, "b": {"reason": "missing"}}}}})
add(T, "actual_value_null", {"description": "actual {value: null}: every field null", "kind": "extract",
    "config": schema(a=S, b=S), "expected": value({"a": "x", "b": None}), "actual": {"value": None},
    "expect": {"item": {"correct": False, "score": 0.5, "fields": {"a": {"reason": "null_value"}, "b": {"verdict": "correct"}}}}})
add(T, "null_parent_object", {"description": "a null parent object labels its leaves null", "kind": "extract",
    "config": schema(vendor=OBJ(name=S, city=S)), "expected": value({"vendor": None}),
    "actual": value({"vendor": {"name": None, "city": "Paris"}}),
    "expect": {"item": {"correct": False, "fields": {"vendor.name": {"verdict": "correct"}, "vendor.city": {"reason": "unexpected_value"}}}}})
add(T, "missing_parent_object", {"description": "a missing parent object leaves its leaves unlabeled", "kind": "extract",
    "config": schema(a=S, vendor=OBJ(name=S)), "expected": value({"a": "x"}), "actual": value({"a": "x", "vendor": {"name": "y"}}),
    "expect": {"item": {"correct": True, "score": 1, "fields": {"vendor.name": {"verdict": "unlabeled", "expected": "$absent", "actual": "y"}}},
               "metrics": {"accuracy": 1, "fieldMetrics": {"vendor.name": {"countExpected": 0, "countPresent": 1}}}}})
add(T, "count_present", {"description": "countPresent counts non-null actual values only", "kind": "extract",
    "config": schema(a=S), "items": [
        {"expected": value({"a": "x"}), "actual": value({"a": "x"})},
        {"expected": value({"a": None}), "actual": value({"a": None})},
        {"expected": value({"a": "y"}), "actual": value({})}],
    "expect": {"metrics": {"accuracy": 0.6667, "fieldMetrics": {"a": {"countTotal": 3, "countPresent": 1, "countExpected": 3,
                                                                      "countAccurate": 2, "accuracy": 0.6667, "precision": 1, "recall": 0.5}}}}})

# ---------------------------------------------------------------- arrays of objects
T = "arrays_objects"
LI = ROWS(description=S, amount=N)
def rows_case(name, desc, e, a, item, metrics=None, options=None, spec=LI):
    c = {"description": desc, "kind": "extract", "config": schema(line_items=spec),
         "expected": value({"line_items": e}), "actual": value({"line_items": a}), "expect": {"item": item}}
    if metrics: c["expect"]["metrics"] = metrics
    if options: c["options"] = options
    add(T, name, c)
W = {"description": "Widget", "amount": 10}
G = {"description": "Gadget", "amount": 20}
K = {"description": "Gizmo", "amount": 30}
rows_case("reordered", "rows in another order are all correct", [W, G, K], [K, W, G],
          {"correct": True, "score": 1, "fields": {"line_items": {"verdict": "correct", "correctCells": 6, "totalCells": 6}}})
rows_case("missing_row", "one expected row not extracted: 4 of 6 cells", [W, G, K], [W, K],
          {"correct": False, "fields": {"line_items": {"score": 0.6667, "reason": "partial_match",
           "rows": [{"expectedIndex": 0, "actualIndex": 0, "reason": "match"}, {"expectedIndex": 1, "actualIndex": None, "reason": "missing_row"},
                    {"expectedIndex": 2, "actualIndex": 1, "reason": "match"}]}}})
rows_case("extra_row", "an extra extracted row: 4 correct of max(4, 6) cells", [W, G], [G, K, W],
          {"correct": False, "fields": {"line_items": {"score": 0.6667, "correctCells": 4, "totalCells": 6,
           "rows": [{"reason": "match"}, {"reason": "match"}, {"expectedIndex": None, "actualIndex": 1, "reason": "extra_row"}]}}})
rows_case("empty_both", "two empty arrays", [], [], {"correct": True, "fields": {"line_items": {"score": 1}}})
rows_case("null_vs_empty", "null actual equals an empty expected array", [], None, {"correct": True, "fields": {"line_items": {"score": 1}}})
rows_case("empty_expected_rows_actual", "rows where none are expected", [], [W, G],
          {"correct": False, "fields": {"line_items": {"score": 0, "totalCells": 4}}})
rows_case("one_cell_wrong", "one wrong cell of four", [W, G], [W, {"description": "Gadget", "amount": 21}],
          {"correct": False, "fields": {"line_items": {"score": 0.75, "rows": [{"reason": "match"},
           {"reason": "cell_mismatch", "mismatchedColumns": ["amount"], "correctCells": 1}]}}},
          metrics={"fieldMetrics": {"line_items": {"countAccurate": 0, "score": 0.75},
                                    "line_items[].description": {"countExpected": 2, "countAccurate": 2, "accuracy": 1},
                                    "line_items[].amount": {"countExpected": 2, "countAccurate": 1, "accuracy": 0.5, "countPresent": 2}}})
rows_case("type_mismatch", "a string instead of an array", [W], "Widget 10",
          {"correct": False, "fields": {"line_items": {"score": 0, "reason": "type_mismatch"}}})
rows_case("optimal_not_greedy", "optimal pairing (3 of 6 cells) beats greedy first-best pairing (2 of 6)",
          [{"p": "A", "q": "B", "r": "Z"}, {"p": "D", "q": "B", "r": "C"}],
          [{"p": "A", "q": "B", "r": "C"}, {"p": "A", "q": "X", "r": "Y"}],
          {"fields": {"line_items": {"score": 0.5, "correctCells": 3}}}, spec=ROWS(p=S, q=S, r=S))
rows_case("missing_keys_null", "missing keys in a row equal null expected cells", [{"description": "W", "amount": None}],
          [{"description": "W"}], {"correct": True, "fields": {"line_items": {"score": 1}}})
rows_case("numeric_cells", "numeric strings in cells", [{"description": "W", "amount": 1234.5}],
          [{"description": "W", "amount": "1,234.50"}], {"correct": True})
rows_case("duplicate_rows", "duplicate expected rows, one extracted: 2 of 4", [W, W], [W],
          {"fields": {"line_items": {"score": 0.5}}})
rows_case("all_wrong", "every cell wrong", [W], [{"description": "X", "amount": 1}],
          {"fields": {"line_items": {"score": 0, "verdict": "incorrect"}}})
rows_case("rows_not_objects", "rows that are not objects have no cells", [W], ["Widget"],
          {"fields": {"line_items": {"score": 0}}})
rows_case("excluded_column", "an excluded column does not count", [W, G],
          [{"description": "Widget", "amount": 99}, {"description": "Gadget", "amount": 98}],
          {"correct": True, "fields": {"line_items": {"score": 1, "totalCells": 2}}},
          options={"excludeFields": ["line_items[].amount"]},
          metrics={"fieldMetrics": {"line_items[].amount": "$absent", "line_items[].description": {"countAccurate": 2}}})
rows_case("nested_object_in_row", "objects inside rows flatten into columns",
          [{"item": {"name": "Bolt", "sku": "B1"}, "qty": 3}], [{"qty": 3, "item": {"sku": "B1", "name": "Bolt"}}],
          {"correct": True, "fields": {"line_items": {"score": 1, "totalCells": 3}}},
          spec=ROWS(item=OBJ(name=S, sku=S), qty=I),
          metrics={"fieldMetrics": {"line_items[].item.name": {"countAccurate": 1}, "line_items[].qty": {"countAccurate": 1}}})
rows_case("date_cells", "dates in cells follow the column's dateOrder", [{"d": "2024-03-12"}], [{"d": "12/03/2024"}],
          {"correct": True}, spec=ROWS(d=D("DMY")))
rows_case("missing_field", "array expected but key missing in actual", [W], MISSING,
          {"correct": False, "fields": {"line_items": {"reason": "missing", "score": 0}}})
rows_case("missing_field_empty", "empty array expected and key missing: nothing to extract", [], MISSING,
          {"correct": True, "fields": {"line_items": {"score": 1}}})
rows_case("currency_cells", "currency cells", [{"price": cur(5, "USD")}], [{"price": cur("5.00", "usd")}],
          {"correct": True}, spec=ROWS(price=CUR))
rows_case("large_reordered", "30 rows reversed", [{"description": f"row {i}", "amount": i} for i in range(30)],
          [{"description": f"row {i}", "amount": i} for i in reversed(range(30))],
          {"correct": True, "fields": {"line_items": {"correctCells": 60}}})
rows_case("whitespace_cells", "cells are normalized like strings", [{"description": "Blue  widget", "amount": 1}],
          [{"description": " Blue widget ", "amount": 1.0}], {"correct": True})
add(T, "schemaless_loose_column", {"description": "without a schema an untyped column compares loosely (normalized text)",
    "kind": "extract", "config": {},
    "expected": value({"l": [{"k": None, "n": 1}, {"k": "a b", "n": 2}]}),
    "actual": value({"l": [{"k": "a  b ", "n": 2}, {"k": None, "n": 1}]}),
    "expect": {"item": {"correct": True, "fields": {"l": {"score": 1, "correctCells": 4}}}}})
add(T, "extend_doc_example", {"description": "Extend's documented example: expected [{d,e,f},{a,b,c},{g,h,i}], extracted [{a,b,c},{d,e,f}] -> 6/9",
    "kind": "extract", "config": schema(t=ROWS(c1=S, c2=S, c3=S)),
    "expected": value({"t": [{"c1": "d", "c2": "e", "c3": "f"}, {"c1": "a", "c2": "b", "c3": "c"}, {"c1": "g", "c2": "h", "c3": "i"}]}),
    "actual": value({"t": [{"c1": "a", "c2": "b", "c3": "c"}, {"c1": "d", "c2": "e", "c3": "f"}]}),
    "expect": {"item": {"correct": False, "score": 0.6667, "fields": {"t": {"score": 0.6667, "correctCells": 6, "totalCells": 9,
               "rows": [{"expectedIndex": 0, "actualIndex": 1}, {"expectedIndex": 1, "actualIndex": 0}, {"expectedIndex": 2, "actualIndex": None, "reason": "missing_row"}]}}},
               "metrics": {"accuracy": 0.6667, "fieldMetrics": {"t": {"countExpected": 1, "countAccurate": 0, "score": 0.6667},
                                                              "t[].c1": {"countTotal": 3, "countExpected": 3, "countAccurate": 2, "countPresent": 2}}}}})

# ---------------------------------------------------------------- column metrics (issue 24)
T = "column_metrics"
# The same three expected rows against a missing, null, string, number or object
# actual array: every expected cell is expected and wrong, so all five give the same
# column counts (countExpected depends on the expected side alone).
THREE = [{"description": "Widget", "amount": 10}, {"description": "Gadget", "amount": None}, {"description": "Gizmo", "amount": 30}]
NO_ROWS_COLUMNS = {
    "line_items[].description": {"countTotal": 3, "countExpected": 3, "countPresent": 0, "countAccurate": 0,
                                 "accuracy": 0, "score": 0, "recall": 0, "precision": "$absent", "f1": "$absent"},
    "line_items[].amount": {"countTotal": 3, "countExpected": 3, "countPresent": 0, "countAccurate": 0,
                            "accuracy": 0, "score": 0, "recall": 0, "precision": "$absent", "f1": "$absent"}}
NO_ROWS_DETAIL = {"line_items[].description": {"expected": 3, "expectedNonNull": 3, "present": 0, "correct": 0, "correctNonNull": 0, "cells": 3},
                  "line_items[].amount": {"expected": 3, "expectedNonNull": 2, "present": 0, "correct": 0, "correctNonNull": 0, "cells": 3}}
for name, actual, reason, present in [("missing", MISSING, "missing", 0), ("null", None, "partial_match", 0),
                                      ("string", "Widget 10, Gadget, Gizmo 30", "type_mismatch", 1),
                                      ("number", 70, "type_mismatch", 1), ("object", {"description": "Widget", "amount": 10}, "type_mismatch", 1)]:
    add(T, f"no_rows_{name}", {"description": f"a {name} actual array counts every expected cell as expected and wrong",
        "kind": "extract", "config": schema(line_items=LI),
        "expected": value({"line_items": THREE}), "actual": value({"line_items": actual}),
        "expect": {"item": {"correct": False, "score": 0, "fields": {"line_items": {
                       "verdict": "incorrect", "score": 0, "reason": reason, "correctCells": 0, "totalCells": 6,
                       "columns": NO_ROWS_DETAIL}}},
                   "metrics": {"accuracy": 0, "fieldMetrics": dict(NO_ROWS_COLUMNS, line_items={
                       "countTotal": 1, "countExpected": 1, "countAccurate": 0, "countPresent": present, "score": 0})}}})
# The issue's reproduction: a right item plus one without the array. Missing and null
# must both give countExpected 6 and accuracy 0.5 (the key missing gave 3 and 1.0).
for name, actual in [("missing", MISSING), ("null", None)]:
    add(T, f"run_with_{name}_array", {"description": f"two items, the second with a {name} array: its cells still count",
        "kind": "extract", "config": schema(line_items=LI), "items": [
            {"expected": value({"line_items": THREE}), "actual": value({"line_items": THREE})},
            {"expected": value({"line_items": THREE}), "actual": value({"line_items": actual})}],
        "expect": {"metrics": {"accuracy": 0.5, "fieldMetrics": {
            "line_items[].description": {"countTotal": 6, "countExpected": 6, "countPresent": 3, "countAccurate": 3,
                                         "accuracy": 0.5, "score": 0.5, "precision": 1, "recall": 0.5, "f1": 0.6667},
            "line_items[].amount": {"countTotal": 6, "countExpected": 6, "countPresent": 2, "countAccurate": 3,
                                    "accuracy": 0.5, "score": 0.5, "precision": 1, "recall": 0.5, "f1": 0.6667}}}}})
# Null = null cells are correct (accuracy, score) but no true positive: precision is
# tp / non-null predictions, recall tp / non-null expected. By hand (rows pair by id):
#   d: expected A, B, null, D; actual A, B, null, X -> correct 3 (A, B, null=null), tp 2,
#      predicted 3, relevant 3: P = R = F1 = 2/3, accuracy = score = 3/4.
#   n: expected 1, null, null, 4; actual 1, null, 5, null -> correct 2 (1, null=null),
#      tp 1, predicted 2 (1, 5), relevant 2 (1, 4): P = R = F1 = 1/2, accuracy = 2/4.
ROW3 = ROWS(id=S, d=S, n=N)
add(T, "null_equals_null_cells", {"description": "null = null cells count as correct, not as true positives",
    "kind": "extract", "config": schema(t=ROW3),
    "expected": value({"t": [{"id": "a", "d": "A", "n": 1}, {"id": "b", "d": "B", "n": None},
                             {"id": "c", "d": None, "n": None}, {"id": "e", "d": "D", "n": 4}]}),
    "actual": value({"t": [{"id": "a", "d": "A", "n": 1}, {"id": "b", "d": "B", "n": None},
                           {"id": "c", "d": None, "n": 5}, {"id": "e", "d": "X", "n": None}]}),
    "expect": {"item": {"fields": {"t": {"correctCells": 9, "totalCells": 12, "columns": {
                   "t[].d": {"expected": 4, "expectedNonNull": 3, "present": 3, "correct": 3, "correctNonNull": 2, "cells": 4},
                   "t[].n": {"expected": 4, "expectedNonNull": 2, "present": 2, "correct": 2, "correctNonNull": 1, "cells": 4}}}}},
               "metrics": {"fieldMetrics": {
                   "t[].id": {"countAccurate": 4, "precision": 1, "recall": 1, "f1": 1},
                   "t[].d": {"countTotal": 4, "countExpected": 4, "countPresent": 3, "countAccurate": 3, "accuracy": 0.75,
                             "score": 0.75, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667},
                   "t[].n": {"countTotal": 4, "countExpected": 4, "countPresent": 2, "countAccurate": 2, "accuracy": 0.5,
                             "score": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5}}}}})
# A mostly-null column predicted right: tp 1 of 1 prediction, 1 relevant -> P = R = F1 = 1
# (counting the three null = null cells as true positives gave F1 1.6).
add(T, "mostly_null_column", {"description": "a mostly-null column predicted right has F1 1, not above",
    "kind": "extract", "config": schema(t=ROW3),
    "expected": value({"t": [{"id": "a", "d": "A", "n": 7}, {"id": "b", "d": "B", "n": None},
                             {"id": "c", "d": "C", "n": None}, {"id": "e", "d": "E", "n": None}]}),
    "actual": value({"t": [{"id": "a", "d": "A", "n": 7}, {"id": "b", "d": "B", "n": None},
                           {"id": "c", "d": "C", "n": None}, {"id": "e", "d": "E", "n": None}]}),
    "expect": {"metrics": {"fieldMetrics": {"t[].n": {"countPresent": 1, "countAccurate": 4, "accuracy": 1,
                                                      "precision": 1, "recall": 1, "f1": 1}}}}})
# The column's only non-null prediction is wrong: precision 0 (it was 1 when the null =
# null cell counted as a true positive).
add(T, "only_prediction_wrong", {"description": "a column whose only non-null prediction is wrong has precision 0",
    "kind": "extract", "config": schema(t=ROW3),
    "expected": value({"t": [{"id": "a", "d": "A", "n": 1}, {"id": "b", "d": "B", "n": None}, {"id": "c", "d": "C", "n": None}]}),
    "actual": value({"t": [{"id": "a", "d": "A", "n": None}, {"id": "b", "d": "B", "n": 7}, {"id": "c", "d": "C", "n": None}]}),
    "expect": {"metrics": {"fieldMetrics": {"t[].n": {"countTotal": 3, "countExpected": 3, "countPresent": 1, "countAccurate": 1,
                                                      "accuracy": 0.3333, "precision": 0, "recall": 0, "f1": 0}}}}})
# Unpaired rows: an extra actual row's non-null cells are predictions (not true
# positives); a missing row's non-null cells are relevant and not found.
add(T, "extra_and_missing_rows", {"description": "cells of unpaired rows count as predictions or as relevant items",
    "kind": "extract", "config": schema(line_items=LI), "items": [
        {"expected": value({"line_items": [W]}), "actual": value({"line_items": [W, G]})},
        {"expected": value({"line_items": [W, K]}), "actual": value({"line_items": [W]})}],
    "expect": {"metrics": {"fieldMetrics": {"line_items[].description": {
        "countTotal": 4, "countExpected": 3, "countPresent": 3, "countAccurate": 2,
        "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}}}}})

# ---------------------------------------------------------------- arrays of scalars
T = "arrays_scalars"
def scal(name, desc, spec, e, a, score, extra=None):
    f = {"score": score, "verdict": "correct" if score == 1 else "incorrect"}
    if extra: f.update(extra)
    add(T, name, {"description": desc, "kind": "extract", "config": schema(f=ARR(spec)), "expected": value({"f": e}),
                  "actual": value({"f": a}), "expect": {"item": {"correct": score == 1, "fields": {"f": f}}}})
scal("reordered", "order is ignored", S, ["a", "b", "c"], ["c", "a", "b"], 1)
scal("missing", "one element missing", S, ["a", "b", "c"], ["a", "b"], 0.6667)
scal("extra", "one extra element", S, ["a", "b"], ["a", "b", "d"], 0.6667)
scal("multiset", "duplicates are counted: {a,a,b} vs {a,b,b}", S, ["a", "a", "b"], ["a", "b", "b"], 0.6667)
scal("numbers", "numbers in several spellings", N, [1, 2, 1000], ["1,000", 2.0, "1"], 1)
scal("empty", "two empty arrays", S, [], [], 1)
scal("none_extracted", "nothing extracted", S, ["x"], [], 0, {"rows": [{"reason": "missing_row"}]})
scal("normalized", "elements normalized like strings", S, [" a ", "b\u00a0c"], ["a", "b c"], 1)
scal("dates", "dates as a multiset", D(), ["2024-03-12", "2024-12-25"], ["Dec 25, 2024", "03/12/2024"], 1)
scal("booleans", "booleans as a multiset", B, [True, False, True], [True, True, True], 0.6667)
scal("type_mismatch", "a string where an array is expected", S, ["a"], "a", 0, {"reason": "type_mismatch"})
scal("nulls", "null elements match null elements", S, [None, "a"], ["a", None], 1)

# ---------------------------------------------------------------- nested arrays
T = "nested_arrays"
TAGS = ROWS(name=S, tags=ARR(S))
def nested(name, desc, spec, e, a, score, correct_cells=None):
    f = {"score": score}
    if correct_cells is not None: f["correctCells"] = correct_cells
    add(T, name, {"description": desc, "kind": "extract", "config": schema(t=spec), "expected": value({"t": e}),
                  "actual": value({"t": a}), "expect": {"item": {"correct": score == 1, "fields": {"t": f}}}})
nested("inner_reordered", "an inner array in another order is a correct cell", TAGS,
       [{"name": "a", "tags": ["x", "y"]}], [{"name": "a", "tags": ["y", "x"]}], 1, 2)
nested("inner_partial", "an inner array that is partly right is a wrong cell", TAGS,
       [{"name": "a", "tags": ["x", "y"]}], [{"name": "a", "tags": ["x"]}], 0.5, 1)
nested("inner_objects", "arrays of objects inside rows, reordered", ROWS(name=S, parts=ROWS(sku=S, qty=I)),
       [{"name": "kit", "parts": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}],
       [{"name": "kit", "parts": [{"sku": "B", "qty": "2"}, {"sku": "A", "qty": 1}]}], 1)
nested("inner_objects_wrong", "one inner row wrong makes the cell wrong", ROWS(name=S, parts=ROWS(sku=S, qty=I)),
       [{"name": "kit", "parts": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}],
       [{"name": "kit", "parts": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 3}]}], 0.5)
nested("array_of_arrays", "arrays of arrays compare inner arrays as elements", ARR(ARR(N)), [[1, 2], [3]], [[3], [2, 1]], 1)
nested("array_of_arrays_partial", "one inner array differs", ARR(ARR(N)), [[1, 2], [3]], [[1, 2], [4]], 0.5)
nested("inner_null_vs_empty", "an inner null equals an inner empty array", TAGS,
       [{"name": "a", "tags": []}], [{"name": "a", "tags": None}], 1)
nested("pairing_uses_inner", "row pairing counts inner array cells", TAGS,
       [{"name": "a", "tags": ["x"]}, {"name": "a", "tags": ["y"]}], [{"name": "a", "tags": ["y"]}, {"name": "a", "tags": ["x"]}], 1)

# ---------------------------------------------------------------- limits (--max-array-rows)
T = "limits"
def limit_case(name, desc, e, a, cap, item=None, error=None, spec=LI):
    c = {"description": desc, "kind": "extract", "config": schema(line_items=spec), "options": {"maxArrayRows": cap},
         "expected": value({"line_items": e}), "actual": value({"line_items": a}), "expect": {}}
    if item: c["expect"]["item"] = item
    if error: c["expect"]["error"] = error
    add(T, name, c)
def rows_of(n): return [{"description": f"row {i}", "amount": i} for i in range(n)]
limit_case("under", "one row under the cap scores", rows_of(2), rows_of(2), 3, item={"correct": True, "score": 1})
limit_case("at", "exactly the cap scores", rows_of(3), list(reversed(rows_of(3))), 3,
           item={"correct": True, "fields": {"line_items": {"correctCells": 6}}})
limit_case("over_actual", "one actual row over the cap fails the item, naming the field and count", rows_of(3), rows_of(4), 3,
           error="line_items: the actual output has 4 rows; at most 3 rows per array are scored (--max-array-rows)")
limit_case("over_expected", "one expected row over the cap fails the item", rows_of(4), rows_of(1), 3,
           error="line_items: the expected output has 4 rows")
limit_case("over_scalars", "arrays of scalars have the same cap", ["a", "b", "c", "d"], ["a"], 3,
           error="line_items: the expected output has 4 rows", spec=ARR(S))
limit_case("over_nested", "a nested array over the cap names its column path", [{"tags": ["a"]}], [{"tags": ["a", "b", "c", "d"]}], 3,
           error="line_items[].tags: the actual output has 4 rows", spec=ROWS(tags=ARR(S)))
limit_case("nested_pairs", "nested arrays count their row pairs against the cap squared", [{"tags": ["a", "b"]}] * 2,
           [{"tags": ["a", "b"]}] * 2, 2, error="nested arrays compares more than 4 row pairs", spec=ROWS(tags=ARR(S)))

# ---------------------------------------------------------------- nested objects
T = "nested_objects"
VEND = OBJ(name=S, address=OBJ(city=S, zip=S))
def nobj(name, desc, e, a, item, metrics=None):
    c = {"description": desc, "kind": "extract", "config": schema(vendor=VEND, total=N), "expected": value(e),
         "actual": value(a), "expect": {"item": item}}
    if metrics: c["expect"]["metrics"] = metrics
    add(T, name, c)
V1 = {"name": "Acme", "address": {"city": "Paris", "zip": "75001"}}
nobj("exact", "nested objects flatten to dot paths", {"vendor": V1, "total": 5}, {"vendor": V1, "total": 5},
     {"correct": True, "fields": {"vendor.name": {"verdict": "correct"}, "vendor.address.city": {"verdict": "correct"},
                                  "vendor.address.zip": {"verdict": "correct"}, "vendor": "$absent"}},
     metrics={"accuracy": 1, "fieldMetrics": {"vendor.address.city": {"countAccurate": 1}}})
nobj("key_order", "key order is irrelevant", {"vendor": V1, "total": 5},
     {"total": 5, "vendor": {"address": {"zip": "75001", "city": "Paris"}, "name": "Acme"}}, {"correct": True, "score": 1})
nobj("one_leaf_wrong", "one wrong leaf of four", {"vendor": V1, "total": 5},
     {"vendor": {"name": "Acme", "address": {"city": "Lyon", "zip": "75001"}}, "total": 5},
     {"correct": False, "score": 0.75, "fields": {"vendor.address.city": {"verdict": "incorrect", "expected": "Paris", "actual": "Lyon"}}},
     metrics={"accuracy": 0.75, "fieldMetrics": {"vendor.address.city": {"accuracy": 0}, "vendor.name": {"accuracy": 1}}})
nobj("parent_missing", "actual lacks the whole object", {"vendor": V1, "total": 5}, {"total": 5},
     {"correct": False, "score": 0.25, "fields": {"vendor.name": {"reason": "missing"}, "vendor.address.zip": {"reason": "missing"}}})
nobj("parent_null", "actual object null", {"vendor": V1, "total": 5}, {"vendor": None, "total": 5},
     {"correct": False, "fields": {"vendor.name": {"reason": "null_value"}}})
nobj("inner_null", "inner object null on both sides", {"vendor": {"name": "Acme", "address": None}, "total": 5},
     {"vendor": {"name": "Acme", "address": None}, "total": 5}, {"correct": True})
nobj("extra_actual_keys", "keys outside the schema are ignored", {"vendor": V1, "total": 5},
     {"vendor": {**V1, "phone": "123"}, "total": 5, "notes": "x"}, {"correct": True, "fields": {"notes": "$absent"}})
nobj("wrong_type_parent", "a string where an object is expected", {"vendor": V1, "total": 5}, {"vendor": "Acme", "total": 5},
     {"correct": False, "score": 0.25, "fields": {"vendor.name": {"reason": "missing"}}})

# ---------------------------------------------------------------- excluded fields
T = "excluded"
def excl(name, desc, cfg, e, a, options, item, metrics=None, valid=True):
    c = {"description": desc, "kind": "extract", "config": cfg, "options": options, "expected": value(e), "actual": value(a), "expect": {}}
    if not valid: c["expect"]["optionsValid"] = False
    else: c["expect"]["item"] = item
    if metrics: c["expect"]["metrics"] = metrics
    add(T, name, c)
excl("wrong_field_excluded", "an excluded wrong field leaves the item correct", schema(a=S, b=S), {"a": "x", "b": "y"},
     {"a": "x", "b": "z"}, {"excludeFields": ["b"]},
     {"correct": True, "score": 1, "fields": {"b": {"verdict": "excluded", "reason": "excluded"}}},
     metrics={"accuracy": 1, "fieldMetrics": {"b": "$absent", "a": {"accuracy": 1}}})
excl("array_excluded", "an excluded array field", schema(a=S, items=LI), {"a": "x", "items": [W]}, {"a": "y", "items": []},
     {"excludeFields": ["items"]}, {"correct": False, "score": 0, "fields": {"items": {"verdict": "excluded"}}},
     metrics={"accuracy": 0, "fieldMetrics": {"items": "$absent", "items[].description": "$absent"}})
excl("nested_excluded", "an excluded nested path", schema(vendor=VEND), {"vendor": V1},
     {"vendor": {"name": "Wrong", "address": V1["address"]}}, {"excludeFields": ["vendor.name"]},
     {"correct": True, "fields": {"vendor.name": {"verdict": "excluded"}}})
excl("unknown_path", "excluding an unknown path is rejected", schema(a=S), {"a": "x"}, {"a": "x"}, {"excludeFields": ["b"]}, None, valid=False)
excl("object_path_rejected", "only scorable paths may be excluded (not the object 'vendor')", schema(vendor=VEND), {"vendor": V1},
     {"vendor": V1}, {"excludeFields": ["vendor"]}, None, valid=False)
excl("all_excluded", "every field excluded: no accuracy", schema(a=S), {"a": "x"}, {"a": "y"}, {"excludeFields": ["a"]},
     {"correct": True, "score": 1}, metrics={"accuracy": "$absent", "fieldMetrics": {"a": "$absent"}})

# ---------------------------------------------------------------- metrics (several items)
T = "metrics"
add(T, "micro_accuracy", {"description": "run accuracy is the micro average over labelled fields", "kind": "extract",
    "config": schema(a=S, b=S), "items": [
        {"expected": value({"a": "x", "b": "y"}), "actual": value({"a": "x", "b": "n"})},
        {"expected": value({"a": "x"}), "actual": value({"a": "x", "b": "q"})}],
    "expect": {"items": [{"score": 0.5}, {"score": 1, "correct": True}],
               "metrics": {"type": "EXTRACT", "accuracy": 0.6667, "fieldMetrics": {
                   "a": {"countTotal": 2, "countExpected": 2, "countAccurate": 2, "accuracy": 1, "score": 1},
                   "b": {"countTotal": 2, "countExpected": 1, "countAccurate": 0, "accuracy": 0, "countPresent": 2}}}}})
add(T, "calibration_one", {"description": "calibration from logprobsConfidence", "kind": "extract", "config": schema(a=S),
    "items": [{"expected": value({"a": "x"}), "actual": {"value": {"a": "x"}, "metadata": {"a": {"logprobsConfidence": 0.95}}}}],
    "expect": {"items": [{"fields": {"a": {"confidence": 0.95}}}],
               "metrics": {"fieldMetrics": {"a": {"calibration": {"count": 1, "ece": 0.05,
                   "buckets": [{"low": 0.9, "high": 1.0, "count": 1, "accuracy": 1, "meanConfidence": 0.95}]}}}}}})
add(T, "calibration_two", {"description": "ECE over two buckets", "kind": "extract", "config": schema(a=S),
    "items": [{"expected": value({"a": "x"}), "actual": {"value": {"a": "x"}, "metadata": {"a": {"logprobsConfidence": 0.95}}}},
              {"expected": value({"a": "x"}), "actual": {"value": {"a": "y"}, "metadata": {"a": {"ocrConfidence": 0.85}}}}],
    "expect": {"metrics": {"fieldMetrics": {"a": {"calibration": {"count": 2, "ece": 0.45,
        "buckets": [{"low": 0.8, "accuracy": 0, "meanConfidence": 0.85}, {"low": 0.9, "accuracy": 1}]}}}}}})
add(T, "no_calibration", {"description": "no confidence: no calibration", "kind": "extract", "config": schema(a=S),
    "expected": value({"a": "x"}), "actual": value({"a": "x"}),
    "expect": {"metrics": {"fieldMetrics": {"a": {"calibration": "$absent", "f1": 1}}}}})
add(T, "precision_recall", {"description": "precision/recall treat a non-null prediction as a positive", "kind": "extract",
    "config": schema(a=S), "items": [
        {"expected": value({"a": "x"}), "actual": value({"a": "x"})},
        {"expected": value({"a": "x"}), "actual": value({"a": "y"})},
        {"expected": value({"a": None}), "actual": value({"a": "z"})},
        {"expected": value({"a": "x"}), "actual": value({"a": None})}],
    "expect": {"metrics": {"fieldMetrics": {"a": {"countPresent": 3, "countAccurate": 1, "precision": 0.3333, "recall": 0.3333, "f1": 0.3333}}}}})
add(T, "array_partial_counts", {"description": "a partial array is not accurate but scores its fraction", "kind": "extract",
    "config": schema(items=LI), "items": [
        {"expected": value({"items": [W, G]}), "actual": value({"items": [W]})},
        {"expected": value({"items": [W]}), "actual": value({"items": [W]})}],
    "expect": {"metrics": {"accuracy": 0.75, "fieldMetrics": {"items": {"countAccurate": 1, "accuracy": 0.5, "score": 0.75},
        "items[].description": {"countTotal": 3, "countExpected": 3, "countAccurate": 2, "score": 0.6667}}}}})
add(T, "no_schema_inferred", {"description": "a config without schema scores the expected value's keys", "kind": "extract",
    "config": {}, "expected": value({"a": "x", "n": 5, "l": [{"k": 1}]}), "actual": value({"a": "x", "n": "5", "l": [{"k": 2}]}),
    "expect": {"item": {"correct": False, "fields": {"a": {"verdict": "correct"}, "n": {"verdict": "correct"}, "l": {"score": 0}}},
               "metrics": {"accuracy": 0.6667}}})

# ---------------------------------------------------------------- classifier
T = "classify"
CLS = {"classifications": [{"id": "invoice", "type": "Invoice", "description": "An invoice"},
                           {"id": "receipt", "type": "Receipt", "description": "A receipt"},
                           {"id": "other", "type": "Other", "description": "Anything else"}]}
def cls(name, desc, e, a, verdict, reason, extra=None, metrics=None, valid=None):
    f = {"verdict": verdict, "reason": reason}
    if extra: f.update(extra)
    c = {"description": desc, "kind": "classify", "config": CLS, "expected": e, "actual": a,
         "expect": {"item": {"correct": verdict == "correct", "score": 1 if verdict == "correct" else 0, "fields": {"classification": f}}}}
    if metrics: c["expect"]["metrics"] = metrics
    if valid is not None: c["expect"]["expectedValid"] = valid
    add(T, name, c)
INV = {"id": "invoice", "type": "Invoice"}
cls("correct", "matching type and id", INV, {**INV, "confidence": 0.93}, "correct", "match",
    {"expected": "Invoice", "actual": "Invoice", "confidence": 0.93},
    metrics={"type": "CLASSIFY", "accuracy": 1, "classificationMetrics": {"Invoice": {"countExpected": 1, "countPredicted": 1, "countCorrect": 1, "precision": 1, "recall": 1, "f1": 1},
                                                                       "Receipt": {"countExpected": 0, "countPredicted": 0, "precision": "$absent"}},
             "confusionMatrix": {"labels": ["Invoice", "Receipt", "Other"], "counts": [[1, 0, 0], [0, 0, 0], [0, 0, 0]]},
             "calibration": {"count": 1}}, valid=True)
cls("wrong_type", "another classification", INV, {"id": "receipt", "type": "Receipt", "confidence": 0.6}, "incorrect", "value_mismatch",
    {"actual": "Receipt"}, metrics={"accuracy": 0, "confusionMatrix": {"counts": [[0, 1, 0], [0, 0, 0], [0, 0, 0]]},
                                    "classificationMetrics": {"Receipt": {"countPredicted": 1, "precision": 0}}})
cls("id_mismatch", "same type, different id: ids are compared when both present", INV, {"id": "inv2", "type": "Invoice"},
    "incorrect", "id_mismatch")
cls("no_id", "type right, id absent in the output", INV, {"type": "Invoice"}, "correct", "match")
cls("missing_type", "output without type", INV, {"id": "invoice"}, "incorrect", "missing")
cls("null_output", "null output", INV, None, "incorrect", "missing")
cls("unknown_label", "a label outside the config joins the confusion matrix", INV, {"id": "memo", "type": "Memo"}, "incorrect",
    "value_mismatch", metrics={"confusionMatrix": {"labels": ["Invoice", "Receipt", "Other", "Memo"], "counts": [[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]},
                               "classificationMetrics": {"Memo": "$absent"}})
cls("type_not_string", "a non-string type", INV, {"type": 3}, "incorrect", "type_mismatch")
cls("case_sensitive", "types compare exactly", INV, {"type": "invoice"}, "incorrect", "value_mismatch")
cls("invalid_expected", "expected type not matching its id is rejected", {"id": "invoice", "type": "Receipt"}, {"type": "Receipt"},
    "correct", "match", valid=False)
add(T, "metrics_four", {"description": "precision, recall and the confusion matrix over four items", "kind": "classify", "config": CLS,
    "items": [{"expected": INV, "actual": {**INV, "confidence": 0.9}},
              {"expected": INV, "actual": {"id": "receipt", "type": "Receipt", "confidence": 0.55}},
              {"expected": {"id": "receipt", "type": "Receipt"}, "actual": {"id": "receipt", "type": "Receipt", "confidence": 0.7}},
              {"expected": {"id": "other", "type": "Other"}, "actual": {"id": "invoice", "type": "Invoice", "confidence": 0.95}}],
    "expect": {"metrics": {"accuracy": 0.5, "classificationMetrics": {
        "Invoice": {"countExpected": 2, "countPredicted": 2, "countCorrect": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5},
        "Receipt": {"countExpected": 1, "countPredicted": 2, "countCorrect": 1, "precision": 0.5, "recall": 1, "f1": 0.6667},
        "Other": {"countExpected": 1, "countPredicted": 0, "countCorrect": 0, "recall": 0, "precision": "$absent", "f1": "$absent"}},
        "confusionMatrix": {"labels": ["Invoice", "Receipt", "Other"], "counts": [[1, 1, 0], [0, 1, 0], [1, 0, 0]]},
        "calibration": {"count": 4, "ece": 0.425}}}})
# An id mismatch is an incorrect item: it is no true positive of its class, although the
# confusion matrix (by type) puts it on the diagonal.
add(T, "metrics_id_mismatch", {"description": "per-class precision counts correct items only (an id mismatch is not one)",
    "kind": "classify", "config": CLS,
    "items": [{"expected": INV, "actual": {"id": "inv2", "type": "Invoice"}},
              {"expected": INV, "actual": INV}],
    "expect": {"metrics": {"accuracy": 0.5, "classificationMetrics": {
        "Invoice": {"countExpected": 2, "countPredicted": 2, "countCorrect": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}},
        "confusionMatrix": {"counts": [[2, 0, 0], [0, 0, 0], [0, 0, 0]]}}}})
add(T, "no_confidence", {"description": "no confidence: no calibration", "kind": "classify", "config": CLS, "expected": INV, "actual": INV,
    "expect": {"item": {"fields": {"classification": {"confidence": "$absent"}}}, "metrics": {"calibration": "$absent"}}})

# ---------------------------------------------------------------- splitter
T = "split"
SPL = {"splitClassifications": [{"id": "invoice", "type": "Invoice", "description": ""},
                                {"id": "receipt", "type": "Receipt", "description": "", "identifierKey": "receipt number"}]}
def sp(cid, t, s, e, **kw): return {"classificationId": cid, "type": t, "startPage": s, "endPage": e, **kw}
def split(name, desc, e, a, item, metrics=None, valid=None):
    c = {"description": desc, "kind": "split", "config": SPL, "expected": {"splits": e}, "actual": {"splits": a}, "expect": {"item": item}}
    if metrics: c["expect"]["metrics"] = metrics
    if valid is not None: c["expect"]["expectedValid"] = valid
    add(T, name, c)
I12, R33 = sp("invoice", "Invoice", 1, 2), sp("receipt", "Receipt", 3, 3)
split("exact", "every split exact", [I12, R33], [dict(I12, id="s1", observation="", identifier=None), R33],
      {"correct": True, "score": 1, "splits": {"numSplitsExpected": 2, "numSplitsPredicted": 2, "numSplitsCorrect": 2, "pagesCorrect": 3, "pagesTotal": 3},
       "fields": {"splits[0]": {"verdict": "correct"}, "splits[1]": {"verdict": "correct"}}},
      metrics={"type": "SPLITTER", "precision": 1, "recall": 1, "f1": 1, "numSplitsExpected": 2, "numSplitsCorrect": 2, "pageAccuracy": 1},
      valid=True)
split("reordered", "predicted splits in another order", [I12, R33], [R33, I12], {"correct": True})
split("boundary_off", "end page off by one", [I12, R33], [sp("invoice", "Invoice", 1, 1), sp("receipt", "Receipt", 2, 3)],
      {"correct": False, "score": 0, "splits": {"numSplitsCorrect": 0, "pagesCorrect": 2, "pagesTotal": 3},
       "fields": {"splits[0]": {"reason": "page_range_mismatch", "actual": {"startPage": 1, "endPage": 1}}}},
      metrics={"precision": 0, "recall": 0, "pageAccuracy": 0.6667})
split("wrong_type", "right pages, wrong type", [I12], [sp("receipt", "Receipt", 1, 2)],
      {"correct": False, "fields": {"splits[0]": {"reason": "type_mismatch_split"}}, "splits": {"pagesCorrect": 0, "pagesTotal": 2}})
split("extra", "an extra predicted split", [I12], [I12, R33],
      {"correct": False, "score": 0.5, "splits": {"numSplitsPredicted": 2, "numSplitsCorrect": 1}},
      metrics={"precision": 0.5, "recall": 1, "f1": 0.6667, "pageAccuracy": 0.6667})
split("missing", "a split not predicted", [I12, R33], [I12],
      {"correct": False, "score": 0.5, "fields": {"splits[1]": {"reason": "missing", "actual": "$absent"}}},
      metrics={"precision": 1, "recall": 0.5})
split("empty", "no splits expected or predicted", [], [], {"correct": True, "score": 1},
      metrics={"numSplitsExpected": 0, "precision": "$absent"})
split("id_ignored", "classificationId is not part of the exact match", [I12], [sp("inv", "Invoice", 1, 2)], {"correct": True})
split("no_output", "output without splits", [I12], None, {"correct": False, "splits": {"numSplitsPredicted": 0}})
split("invalid_expected", "an expected split with start > end is rejected", [sp("invoice", "Invoice", 3, 2)], [],
      {"correct": False}, valid=False)
split("one_page_docs", "five one-page documents, one mislabelled",
      [sp("invoice", "Invoice", p, p) for p in range(1, 6)],
      [sp("invoice", "Invoice", p, p) for p in range(1, 5)] + [sp("receipt", "Receipt", 5, 5)],
      {"correct": False, "score": 0.8, "splits": {"numSplitsCorrect": 4, "pagesCorrect": 4, "pagesTotal": 5}})
add(T, "metrics_two_items", {"description": "split metrics sum over items", "kind": "split", "config": SPL,
    "items": [{"expected": {"splits": [I12, R33]}, "actual": {"splits": [I12, R33]}},
              {"expected": {"splits": [I12]}, "actual": {"splits": [sp("invoice", "Invoice", 1, 1), sp("invoice", "Invoice", 2, 2)]}}],
    "expect": {"metrics": {"numSplitsExpected": 3, "numSplitsPredicted": 4, "numSplitsCorrect": 2, "precision": 0.5,
                           "recall": 0.6667, "f1": 0.5714, "pageAccuracy": 1}}})


# ---------------------------------------------------------------- error taxonomy
# Every scored field gets a category (src/eval/error_taxonomy.h); the order decides.
T = "taxonomy"
def cat(name, desc, spec, e, a, category, verdict="incorrect", options=None):
    f = {"verdict": verdict, "category": category}
    case = {"description": desc, "kind": "extract", "config": schema(f=spec),
            "expected": value({"f": e}), "actual": value({"f": a}),
            "expect": {"item": {"fields": {"f": f}}}}
    if options: case["options"] = options
    add(T, name, case)
cat("correct", "accepted by the comparator", S, "Acme", "Acme", "correct", "correct")
cat("correct_null", "null expected, null given", S, None, None, "correct", "correct")
cat("missing_null", "value expected, null given", S, "Acme", None, "missing")
cat("missing_absent", "value expected, key absent", S, "Acme", MISSING, "missing")
cat("missing_empty_string", "value expected, empty string given", S, "Acme", "", "missing")
cat("hallucinated", "null expected, value given", S, None, "Acme", "hallucinated")
cat("hallucinated_number", "null expected, number given", N, None, 0, "hallucinated")
cat("format_case", "case only (strings compare case-sensitively)", S, "ACME Corp", "acme corp", "format_only")
cat("format_punct", "punctuation and spaces only", S, "Acme, Inc.", "Acme Inc", "format_only")
cat("format_currency_string", "currency symbol and thousands separator in a string field", S, "$1,234.50", "1234.5", "format_only")
cat("format_currency_code", "currency code and European decimal comma", S, "EUR 1.234,50", "1234.50", "format_only")
cat("format_date_string", "the same date printed two ways in a string field", S, "2024-03-12", "March 12, 2024", "format_only")
cat("near_miss_typo", "one typo in ten letters (similarity 0.9)", S, "Acme Tools", "Acme Tolos", "near_miss")
cat("near_miss_fuzzy", "fuzzy field below its threshold but >= 0.8", S, "Acme Industries", "Acme Industrie", "near_miss",
    options={"fuzzyMatchFields": ["f"], "fuzzyThreshold": 0.95})
cat("near_miss_number", "numbers printed within one digit", N, 1234.56, 1234.57, "near_miss")
cat("wrong_value", "a different value", S, "Acme", "Globex", "wrong_value")
cat("wrong_number", "a different number", N, 10, 250, "wrong_value")
cat("wrong_bool", "booleans are either right or wrong", B, True, False, "wrong_value")
cat("array_missing", "rows expected, none given", ROWS(a=S), [{"a": "x"}], None, "missing")
cat("array_hallucinated", "no rows expected, rows given", ROWS(a=S), [], [{"a": "x"}], "hallucinated")
cat("array_near_miss", "9 of 10 cells right", ROWS(a=S, b=S),
    [{"a": f"x{i}", "b": f"y{i}"} for i in range(5)], [{"a": f"x{i}", "b": f"y{i}" if i else "z"} for i in range(5)], "near_miss")
cat("array_wrong", "half the cells right", ROWS(a=S, b=S),
    [{"a": "x", "b": "y"}], [{"a": "x", "b": "q"}], "wrong_value")
add(T, "partition", {"description": "categories partition the scored fields; excluded and unlabeled fields have none",
    "kind": "extract", "config": schema(a=S, b=S, c=S, d=S, e=S), "options": {"excludeFields": ["e"]},
    "expected": value({"a": "x", "b": None, "c": "Foo", "e": "q"}), "actual": value({"a": "x", "b": "y", "c": "FOO", "d": "z", "e": "r"}),
    "expect": {"item": {"fields": {"a": {"category": "correct"}, "b": {"category": "hallucinated"},
                                   "c": {"category": "format_only"}, "d": {"verdict": "unlabeled", "category": "$absent"},
                                   "e": {"verdict": "excluded", "category": "$absent"}}}}})


# ---------------------------------------------------------------- ANLS* per item
T = "anls_item"
add(T, "line_items", {"description": "per-item anlsStar on the value objects (the reference's test_anls_score_line_items: 3/5)",
    "kind": "extract", "config": {},
    "expected": {"value": {"k1": 1, "k2": "mock", "line_items": [{"a": "b", "c": "d"}, {"e": "f"}]}},
    "actual": {"value": {"k1": 1, "k2": "kcom", "line_items": [{"e": "f"}, {"a": "y", "c": "d"}]}, "metadata": {}},
    "expect": {"item": {"anlsStar": 0.6}}})
add(T, "null_key", {"description": "a predicted-only null key adds length (reference: 0.5)",
    "kind": "extract", "config": schema(a=S, b=S),
    "expected": {"value": {"a": "x"}}, "actual": {"value": {"a": "x", "b": None}},
    "expect": {"item": {"anlsStar": 0.5}}})


# ---------------------------------------------------------------- run analysis
T = "analysis"
def conf_item(e, a, c):
    return {"expected": {"value": {"f": e}}, "actual": {"value": {"f": a}, "metadata": {"f": {"ocrConfidence": c}}}}
add(T, "calibration", {"description": "ECE (10 bins), Brier, AUROC, review budgets, threshold for 0.99 (hand-computed)",
    "kind": "extract", "config": schema(f=S),
    "items": [conf_item("a", "a", 0.9), conf_item("b", "b", 0.8), conf_item("c", "x", 0.6), conf_item("d", "d", 0.3)],
    "expect": {"analysis": {"calibration": {"f": {
        "numFields": 4, "ece": 0.4, "brier": 0.225, "auroc": 2 / 3,
        "bins": [{"low": 0.3, "high": 0.4, "count": 1, "accuracy": 1, "meanConfidence": 0.3},
                 {"low": 0.6, "high": 0.7, "count": 1, "accuracy": 0, "meanConfidence": 0.6},
                 {"low": 0.8, "high": 0.9, "count": 1, "accuracy": 1, "meanConfidence": 0.8},
                 {"low": 0.9, "high": 1.0, "count": 1, "accuracy": 1, "meanConfidence": 0.9}],
        "errorsCaughtAt": {"5%": 0, "10%": 0, "20%": 0},
        "recommendedThreshold": {"targetPrecision": 0.99, "threshold": 0.8, "coverage": 0.5, "precision": 1, "ci95": [1, 1]}}}}}})
add(T, "calibration_target", {"description": "a lower target accepts every field (threshold 0.3, coverage 1)",
    "kind": "extract", "config": schema(f=S), "analysisOptions": {"targetPrecision": 0.7},
    "items": [conf_item("a", "a", 0.9), conf_item("b", "b", 0.8), conf_item("c", "x", 0.6), conf_item("d", "d", 0.3)],
    "expect": {"analysis": {"calibration": {"f": {"recommendedThreshold": {"threshold": 0.3, "coverage": 1, "precision": 0.75}}}}}})
add(T, "calibration_unreachable", {"description": "no threshold reaches the target: null; errors caught in the lowest 20 %",
    "kind": "extract", "config": schema(f=S),
    "items": [conf_item("a", "x", 0.9), conf_item("b", "b", 0.8), conf_item("c", "c", 0.7), conf_item("d", "d", 0.6),
              conf_item("e", "y", 0.1)],
    "expect": {"analysis": {"calibration": {"f": {"recommendedThreshold": None, "auroc": 0.5,
                                                  "errorsCaughtAt": {"5%": 0.5, "10%": 0.5, "20%": 0.5}}}}}})
add(T, "errors", {"description": "error counts per field partition its scored items",
    "kind": "extract", "config": schema(f=S, g=N),
    "items": [{"expected": value({"f": "Acme", "g": 1}), "actual": value({"f": "Acme", "g": None})},
              {"expected": value({"f": "Acme Inc.", "g": None}), "actual": value({"f": "ACME INC", "g": 5})},
              {"expected": value({"f": "Acme Tools", "g": 10}), "actual": value({"f": "Acme Tolos", "g": 99})},
              {"expected": value({"f": "Acme"}), "actual": value({"f": "Globex", "g": 3})}],
    "expect": {"analysis": {"numItems": 4, "errors": {
        "f": {"correct": 1, "formatOnly": 1, "nearMiss": 1, "wrongValue": 1, "missing": 0, "hallucinated": 0, "total": 4},
        "g": {"missing": 1, "hallucinated": 1, "wrongValue": 1, "correct": 0, "total": 3}}}}})
LI2 = ROWS(a=S, b=N)
add(T, "line_items", {"description": "rows matched at half their cells, dropped, extra, duplicated; DocILE LIR over non-null cells",
    "kind": "extract", "config": schema(li=LI2),
    "items": [{"expected": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 2}, {"a": "z", "b": 3}, {"a": "w", "b": 4}]}),
               "actual": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 9}, {"a": "z", "b": 8}]})},
              {"expected": value({"li": [{"a": "p", "b": 1}]}),
               "actual": value({"li": [{"a": "p", "b": 1}, {"a": "q", "b": 7}, {"a": "q", "b": 7}]})}],
    "expect": {"analysis": {"lineItems": {"li": {
        "rowsExpected": 5, "rowsActual": 6, "rowsMatched": 4, "dropped": 1, "extra": 2, "duplicated": 1,
        "precision": 4 / 6, "recall": 4 / 5, "f1": 8 / 11, "rowMatchShare": 0.5,
        "lir": {"truePositives": 6, "falsePositives": 6, "falseNegatives": 4, "precision": 0.5, "recall": 0.6, "f1": 12 / 22}}}}}})
add(T, "line_items_duplicates", {"description": "a row equal to an earlier one of its item, keys in any order, counts once per repeat; a case or value apart is no repeat",
    "kind": "extract", "config": schema(li=LI2),
    "items": [{"expected": value({"li": [{"a": "q", "b": 7}]}),
               "actual": value({"li": [{"a": "q", "b": 7}, {"b": 7, "a": "q"}, {"a": "Q", "b": 7}, {"a": "q", "b": 7},
                                       {"a": "q", "b": 8}, {"b": None, "a": None}, {"a": None, "b": None}]})},
              {"expected": value({"li": [{"a": "q", "b": 7}]}), "actual": value({"li": [{"a": "q", "b": 7}]})}],
    "expect": {"analysis": {"lineItems": {"li": {"rowsActual": 8, "duplicated": 3}}}}})
add(T, "line_items_share", {"description": "rowMatchShare 1: a row matches only when every cell does",
    "kind": "extract", "config": schema(li=LI2), "analysisOptions": {"rowMatchShare": 1},
    "items": [{"expected": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]}),
               "actual": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 9}]})}],
    "expect": {"analysis": {"lineItems": {"li": {"rowsMatched": 1, "precision": 0.5, "recall": 0.5}}}}})
# GriTS-Con values computed with the reference (grits_con of the grids [[x,1],[y,2],[z,3],[w,4]]
# vs [[x,1],[y,9],[z,8]]: 0.5714285714285715, precision 2/3, recall 1/2; [[p,1]] vs
# [[p,1],[q,7],[q,7]]: 0.5, precision 1/3, recall 1); the analysis gives their means.
add(T, "line_items_grits", {"description": "gritsCon: the means of the reference's grits_con over items, beside cellAccuracy",
    "kind": "extract", "config": schema(li=LI2), "analysisOptions": {"grits": True},
    "items": [{"expected": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 2}, {"a": "z", "b": 3}, {"a": "w", "b": 4}]}),
               "actual": value({"li": [{"a": "x", "b": 1}, {"a": "y", "b": 9}, {"a": "z", "b": 8}]})},
              {"expected": value({"li": [{"a": "p", "b": 1}]}),
               "actual": value({"li": [{"a": "p", "b": 1}, {"a": "q", "b": 7}, {"a": "q", "b": 7}]})}],
    "expect": {"analysis": {"lineItems": {"li": {
        "cellAccuracy": 6 / 14,
        "gritsCon": {"computed": True, "numItems": 2, "numItemsTooLarge": 0, "score": 0.5357142857142858,
                     "precision": 0.5, "recall": 0.75, "upperBound": 0.5357142857142858}}}}}})
add(T, "line_items_grits_off", {"description": "gritsCon is computed only when asked",
    "kind": "extract", "config": schema(li=LI2),
    "items": [{"expected": value({"li": [{"a": "x", "b": 1}]}), "actual": value({"li": [{"a": "x", "b": 2}]})}],
    "expect": {"analysis": {"lineItems": {"li": {"cellAccuracy": 0.5,
        "gritsCon": {"computed": False, "numItems": 0, "score": "$absent"}}}}}})
add(T, "tree_edit", {"description": "treeEditAccuracy: mean nTED accuracy (0.75 and 1) and the micro field F1 (1 of 2 and 2)",
    "kind": "extract", "config": schema(f=S), "analysisOptions": {"treeEdit": True},
    "items": [{"expected": value({"f": "abc"}), "actual": value({"f": "abd"})},
              {"expected": value({"f": "xy"}), "actual": value({"f": "xy"})}],
    "expect": {"analysis": {"treeEditAccuracy": {"numItems": 2, "score": 0.875, "fieldF1": 0.5}}}})
add(T, "tree_edit_off", {"description": "treeEditAccuracy is computed only when asked",
    "kind": "extract", "config": schema(f=S),
    "items": [{"expected": value({"f": "abc"}), "actual": value({"f": "abd"})}],
    "expect": {"analysis": {"treeEditAccuracy": {"computed": False, "numItems": 0, "score": "$absent"}}}})
add(T, "anls_mean", {"description": "anlsStar: the mean of item scores; fields: per top-level key",
    "kind": "extract", "config": schema(a=S, b=S),
    "items": [{"expected": value({"a": "x", "b": "y"}), "actual": value({"a": "x", "b": "q"})},
              {"expected": value({"a": "x", "b": "y"}), "actual": value({"a": "x", "b": "y"})}],
    "expect": {"analysis": {"anlsStar": {"score": 0.75, "fields": {"a": 1, "b": 0.5}}}}})


# Directories written by other generators (anls_reference.py, grits_reference.py) or by hand
# (tree_edit) survive a re-run.
KEEP = {"anls_star", "tree_edit", "grits"}


def main():
    for d in os.listdir(ROOT):
        if d not in KEEP and os.path.isdir(os.path.join(ROOT, d)):
            shutil.rmtree(os.path.join(ROOT, d))
    for key, case in CASES.items():
        path = os.path.join(ROOT, key + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
