"""Line numbers for error locations, found in the TOML text (tomllib gives none)."""

from __future__ import annotations

import tomllib

from capquest.packs.positions import KeyLines

TEXT = '''\
# a comment with [brackets] and key = "value"
id = "x"   # trailing comment
"quoted.key" = 1
title = { en = "a", ko = """multi
[not-a-table]
fake = 1""" }
[scenario.workload]
rate = [
  { at_s = 0, rps = 1 },   # first
  { at_s = 5, rps = -1 },
]
[[scenario.faults]]
kind = "crash"
[[scenario.faults]]
kind = "partition"
groups = [["a"], ["b", 'c']]
[[cards]]
id = "a"
[cards.policy]
read_from = "x"
[[cards]]
id = "b"
policy.read_from = "y"
[scoring]
stars = [1, 2,
  3]
note = \'\'\'literal
multi = 2\'\'\'
'''


def test_the_text_is_valid_toml():
    tomllib.loads(TEXT)


def test_keys_tables_and_array_elements_have_their_lines():
    lines = KeyLines(TEXT)
    assert lines.line_of(("id",)) == 2
    assert lines.line_of(("quoted.key",)) == 3
    assert lines.line_of(("title", "ko")) == 4
    assert lines.line_of(("scenario", "workload", "rate", 1, "rps")) == 10
    assert lines.line_of(("scenario", "faults", 1, "kind")) == 15
    assert lines.line_of(("scenario", "faults", 1, "groups", 1, 1)) == 16
    assert lines.line_of(("cards", 0, "policy", "read_from")) == 20
    assert lines.line_of(("cards", 1, "policy", "read_from")) == 23
    assert lines.line_of(("cards", 1, "policy")) == 23
    assert lines.line_of(("scoring", "stars", 2)) == 26
    assert lines.line_of(("scoring", "note")) == 27


def test_text_inside_multiline_strings_is_not_mistaken_for_keys():
    lines = KeyLines(TEXT)
    assert lines.line_of(("not-a-table",)) is None
    assert lines.line_of(("fake",)) is None
    assert lines.line_of(("scoring", "multi")) == 24  # falls back to [scoring], not line 28


def test_a_missing_key_falls_back_to_its_table():
    lines = KeyLines(TEXT)
    assert lines.line_of(("scenario", "faults", 0, "until_s")) == 12
    assert lines.line_of(("nowhere",)) is None


def test_text_it_cannot_follow_gives_fewer_lines_not_an_exception():
    lines = KeyLines("a = 1\n= broken\n[x\n")
    assert lines.line_of(("a",)) == 1
    assert lines.line_of(("x",)) is None


def test_escaped_quotes_do_not_end_a_string_early():
    text = 'a = "he said \\"b = 1\\""\nc = """one \\""" two\n[not-a-table]\n"""\nd = 4\n'
    assert tomllib.loads(text)["d"] == 4
    lines = KeyLines(text)
    assert lines.line_of(("a",)) == 1
    assert lines.line_of(("b",)) is None
    assert lines.line_of(("not-a-table",)) is None
    assert lines.line_of(("d",)) == 5
