#!/usr/bin/env python3
"""Writes tests/cases/anls_star/*.json: ANLS* cases whose expected scores come from the
reference implementation (deepopinion/anls_star_metric, anls_score(gt, pred)).

Usage: PYTHONPATH=<anls_star_metric>/src:<dir with munkres.py> python3 anls_reference.py
The reference's own tests (tests/test_anls_star.py) are rewritten here as data: their
fixed examples as they are, their property tests as fixed samples. Python tuples (one-of-n
ground truths) are written as {"$oneOf": [...]}. A random sweep adds nested cases with
ties (small alphabets), numbers, booleans and none-ish values.
"""
import json
import os
import random
import warnings

from anls_star import anls_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "anls_star")


def encode(x):
    if isinstance(x, tuple):
        return {"$oneOf": [encode(e) for e in x]}
    if isinstance(x, list):
        return [encode(e) for e in x]
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    return x


def case(gt, pred, note=""):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            score = anls_score(gt, pred)
        except ValueError as e:  # an empty one-of-n
            score = None
            assert "at least 1" in str(e)
    c = {"gt": encode(gt), "pred": encode(pred)}
    if score is None:
        c["error"] = "at least one option"
    else:
        c["anls"] = score
    if note:
        c["note"] = note
    return c


def write(name, description, cases):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"description": description, "kind": "anls", "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")


def reference_tests():
    lst10 = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"]
    write("reference_scalars", "reference tests: scalars, str() of numbers and booleans, case, whitespace", [
        case("Test Hello ", " Test    Hello\n\n", "test_anls_score_should_trim_whitespace"),
        case("TeSt HeLlO", "tEsT hElLO", "test_anls_score_case_insensitive"),
        *[case(s, str(s), "test_anls_cast_to_str") for s in [True, False, 10, 10.0, -3, 0.1, 1e16, 1e15, 1e-05, 0.0001,
                                                            -0.0, 123456789.123, 2.5e-7, 12345678901234567890]],
        *[case(str(s), s, "test_anls_cast_to_str (reversed)") for s in [True, 10, 10.0, 1e16, 1e-05]],
        *[case(s, s, "test_anls_same_value") for s in [None, True, "", "x", 0.5, 7]],
        case(0.2, 0.199999, "test_paper_edge_numbers"),
        case("10", 10.0, "int string vs float: '10' vs '10.0'"),
        case(True, "true", "True is 'True', lower-cased"),
        case(1, True, "1 vs True: '1' vs 'True'"),
        case("Hello World", "Hello World", "test_paper_string_correct"),
        case("Hello World", "Hello Wrold", "test_paper_string_typo"),
        case("Hello World", "How are you?", "test_paper_string_wrong_answer"),
        case(None, "How are you?", "test_paper_string_hallucination"),
        case("Hello World", ["Hello", "World"], "test_paper_expected_string"),
        case("31.12.2023", "31. Dec 2023", "test_paper_edge_date_formats"),
        case("Yesterday", "Last Week", "test_paper_unanswerable_wrong_answer"),
        case("Yesterday", None, "test_paper_unanswerable_no_answer"),
        case("Straße", "STRASSE", "lower() keeps sharp s (no case folding)"),
        case("İstanbul", "i̇stanbul", "lower() of U+0130 is two code points"),
        case("a\u00a0b\u2003c", "A B C", "Unicode whitespace collapses"),
        case("a\u200bb", "ab", "U+200B is not whitespace in Python"),
    ])
    write("reference_one_of", "reference tests: one-of-n ground truths (tuples)", [
        case(("500",), "$500", "test_anls_score_single_answer_slightly_off"),
        case(("0.123",), 0.123, "test_anls_score_float_str"),
        case(("x", "Hi"), "Hi there", "test_anls_score_single_wrong_answer"),
        case(("a", "b", "correct"), "correct", "test_anls_score_single_answer_multiple_possibilities_should_succed"),
        case({"a": ([], ["a", "b", "c"], ["d", "e", "f"])}, {"a": []}, "test_anls_tuple_with_empty_list"),
        case({"a": (["a", "b", "c"], ["d", "e", "f"], [])}, {"a": []}, "test_anls_tuple_with_empty_list_2"),
        case({"a": {"b": ("c", "e")}}, {"a": {"b": "e"}}, "test_anls_score_recursive_dicts_and_multiple_options"),
        case({"a": {"b": ("c", "e")}}, {"a": {"b": "c"}}, "test_anls_score_recursive_dicts_and_multiple_options"),
        case({"a": ("b", "t"), "c": "d"}, {"a": "t", "c": "d"}, "test_anls_score_two_dicts_expected_multiple_options"),
        case({"a": ("David Peer", "Peer David")}, {"a": "David Peer"}, "test_anls_dict_list_different_options"),
        case(("Hello", "World"), "Hello", "test_paper_one_of_n"),
        case(("Hello", "World"), "Wolrd", "test_paper_one_of_n_typo"),
        case(["st. louis children's hospital", "st. louis childrens hospital", "st. louis children hospital"],
             "St. Louis Children's Hospital", "test_classical_qa_dataset"),
        case(["Hello", "World"], "World", "test_paper_edge_list_implicitly_casted"),
        case({"a": ("x", {"p": "q", "r": "s"})}, {"a": {"p": "q"}}, "options of different lengths"),
        case([("1", "one"), "two"], ["one", "2"], "one-of-n inside a list"),
    ])
    write("reference_lists", "reference tests: lists (Hungarian pairing)", [
        case([], [], "test_anls_score_empty_list"),
        case(lst10, lst10[3:] + lst10[:3], "test_anls_score_permuted_list"),
        case(lst10, lst10[:-1], "test_anls_score_list_results_one_missing_at_end"),
        case(lst10, lst10[1:], "test_anls_score_list_results_one_missing_at_beginning"),
        case(["a", "b", "c"], ["what", "is", "otera"], "test_anls_score_list_results_completely_off"),
        case(["one", "two", "three"], ["one", "to", "three"], "test_anls_missed_list_elements_should_lower_score"),
        case(["one", "two", "three"], ["one", "to"], "test_anls_missed_list_elements_should_lower_score"),
        case(["one", "two", "three"], ["one", "to", "three", "four"], "test_anls_hallucinated_list_elements_should_lower_score"),
        case(["one", "two", "three"], ["three", "one", "two"], "test_anls_list_permutation_invariant"),
        case(["Hello", "World"], ["World", "Hello"], "test_paper_list_correct"),
        case(["Hello", "World"], ["Hello"], "test_paper_list_missing_element"),
        case([], None, "empty list vs None"),
        case(["a"], [], "list vs empty list"),
        case([{"a": "x", "b": "y"}, {"c": "z"}], [{"a": "x"}, {"c": "q", "d": "r"}], "lists of dicts of different sizes"),
    ])
    write("reference_none", "reference tests: None and none-ish values", [
        *[case(None, p, "test_anls_score_falsy_values_should_match_none") for p in [None, [], {}, ""]],
        *[case(None, p, "test_anls_score_none_expected_but_not_predicted") for p in [True, False, "x", 1.5, 0, ["a"], {"a": "b"}]],
        case({"jurisdiction": None, "party": None, "effective_date": None, "term": None},
             {"jurisdiction": "California", "party": "Ray_M._Dolby"}, "test_empty_response_penalizes_FNs_only"),
        case({"name": "david", "company": None}, {"name": "david"}, "test_missing_key_is_interpreted_as_none"),
        case({}, {"string": "", "dict": {}, "list": [], "none": None, "bool": False}, "test_answer_dict_with_additional_nones_is_ignored"),
        case({"a": None}, {}, "test_none_ground_truth"),
        case({"a": "x"}, {"a": "x", "b": None}, "a predicted-only null key adds length"),
        case({"a": ""}, {}, "empty string expected, key missing"),
        case({"a": []}, {"a": None}, "[] expected, None predicted"),
    ])
    write("reference_dicts", "reference tests: dicts", [
        case({}, {}, "test_anls_score_empty_dict"),
        case({"a": "x", "b": None, "c": True, "d": 1.5, "e": 3}, {"a": "x", "b": None, "c": True, "d": 1.5, "e": 3}, "test_anls_score_two_equal_dicts"),
        case({"b": "2", "c": "3"}, {"a": "1", "b": "2", "c": "3"}, "test_anls_score_two_dicts_hallucinated_key"),
        case({"a": "1", "b": "2", "c": "3"}, {"b": "2", "c": "3"}, "test_anls_score_two_dicts_missing_key"),
        case({"a": "b"}, None, "test_anls_score_two_dicts_one_none"),
        case({"x": {"a": "1", "b": "2"}, "y": {"c": "3"}}, {"x": {"a": "1", "b": "2"}, "y": {"c": "3"}}, "test_anls_score_recursive_dicts"),
        case({"a": ["x", "y"], "b": []}, {"a": ["x", "y"], "b": []}, "test_anls_score_two_dicts_with_lists"),
        case({"a": "b", "c": "d"}, {"a": "b", "c": "e"}, "test_anls_score_two_different_dict_values"),
        case({"a": "b", "c": "d"}, {"a": "b", "e": "d"}, "test_anls_score_two_different_dict_keys"),
        case([{"a": "1"}, {"b": "2"}, {}], [{}, {"b": "2"}, {"a": "1"}], "test_anls_score_list_of_dict"),
        case({"k1": 1, "k2": "mock", "line_items": [{"a": "b", "c": "d"}, {"e": "f"}]},
             {"k1": 1, "k2": "kcom", "line_items": [{"e": "f"}, {"a": "y", "c": "d"}]}, "test_anls_score_line_items"),
        case({"a": ["a", "b", "c"]}, {"a": ["b", "c"]}, "test_anls_dict_list"),
        case({"a": ["a", "b", "c"]}, {"a": "b"}, "test_anls_dict_list_but_returns_scalar"),
        case({"a": "b"}, {"a": "b", "c": "d"}, "test_anls_more_hallucinated_keys_should_lower_score"),
        case({"a": "b"}, {"a": "b", "c": "d", "e": "f", "g": "h"}, "test_anls_more_hallucinated_keys_should_lower_score"),
        case({"a": "b", "c": "d", "e": "f", "g": "h"}, {"a": "b", "c": "d"}, "test_anls_more_missed_keys_should_lower_score"),
        case({"a": "b", "c": "d", "e": "f", "g": "h"}, {"a": "b"}, "test_anls_more_missed_keys_should_lower_score"),
        case({"a": "Hello", "b": "World"}, {"b": "World", "a": "Hello"}, "test_paper_two_dicts"),
        case({"a": "Hello", "b": "World"}, {"a": "Hello"}, "test_paper_two_dicts_one_missing_key"),
        case({"a": "Hello", "b": "World"}, {"b": "World", "a": "Hello", "c": "Great"}, "test_paper_two_dicts_hallucinating"),
        case({"a": "Hello", "b": ["w", "r", "l", "d"]}, {"a": "Hello", "b": ["w", "r", "d"]}, "test_paper_complex_object"),
        case({"a": "Hello", "b": [{"l1": "aa", "l2": "b"}, {"l1": "c", "l2": "d"}, {"l1": "e", "l2": "f"}], "c": "Test",
              "second_order": {"name": "Fluffy", "age": "3", "items": [{"id": "1", "value": "12.3"}, {"id": "2", "value": "13.4"}]}},
             {"a": "Helloo", "b": [{"l1": "a", "l2": "q"}, {"l1": "c", "l2": "d"}],
              "second_order": {"name": "Fluffy", "age": "31", "items": [{"id": "1", "value": "12.1"}, {"id": "3", "value": "13.4"}]}},
             "test_key_scores_complex_hierarchy"),
        case([{"a": {"b": [None, "x"]}}, 5, "q"], [{"a": {"b": ["x", ""]}}, "5", True], "test_arbitrary_equal_objects (mixed)"),
    ])


def random_value(rng, depth):
    r = rng.random()
    if depth <= 0 or r < 0.45:
        return rng.choice([None, "", "a", "b", "ab", "ba", "abc", "A B", " a ", "x", "yz", "hello", "helo", "10",
                           10, 10.0, 3, 0.5, 1e-05, True, False, "True", "  ", "Ab", "abcd"])
    if r < 0.75:
        return [random_value(rng, depth - 1) for _ in range(rng.randint(0, 4))]
    keys = rng.sample(["a", "b", "c", "d", "e"], rng.randint(0, 4))
    return {k: random_value(rng, depth - 1) for k in keys}


def perturb(rng, v, depth):
    r = rng.random()
    if r < 0.3:
        return v
    if r < 0.45:
        return random_value(rng, depth)
    if isinstance(v, list):
        out = [perturb(rng, e, depth - 1) for e in v]
        rng.shuffle(out)
        if out and rng.random() < 0.3:
            out.pop()
        if rng.random() < 0.3:
            out.append(random_value(rng, depth - 1))
        return out
    if isinstance(v, dict):
        out = {k: perturb(rng, e, depth - 1) for k, e in v.items() if rng.random() < 0.85}
        if rng.random() < 0.3:
            out[rng.choice(["a", "b", "f", "g"])] = random_value(rng, depth - 1)
        return out
    return random_value(rng, 0)


def sweep():
    rng = random.Random(20241204)
    cases = []
    for i in range(400):
        gt = random_value(rng, 3)
        if not isinstance(gt, (dict, list)):
            gt = {"k": gt}
        cases.append(case(gt, perturb(rng, gt, 3)))
    write("random_sweep", "seeded random nested objects and perturbations (ties, numbers, none-ish values)", cases)
    tables = []
    for i in range(60):
        rows = [{"desc": rng.choice(["bolt", "nut", "screw", "washer", "bolts"]), "qty": rng.choice([1, 2, 2.0, "2", 10]),
                 "price": rng.choice([None, 0.5, "0.50", 1.25])} for _ in range(rng.randint(0, 6))]
        gt = {"invoice": rng.choice(["INV-1", "INV-2"]), "total": rng.choice([10, 10.5, "10.50"]), "line_items": rows}
        tables.append(case(gt, perturb(rng, gt, 3)))
    write("random_invoices", "seeded random invoices with line items (duplicate rows, ties)", tables)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    reference_tests()
    sweep()
