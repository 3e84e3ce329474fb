"""A partition's groups may name nodes as well as regions; a name that is neither is an error at its field."""

from __future__ import annotations

import copy
from typing import Any

from capquest.packs import checks
from capquest.packs.model import LevelFile

from .test_runnable_values import BASE


def _problems(groups: list[list[str]]) -> list[str]:
    data: dict[str, Any] = copy.deepcopy(BASE)
    data["scenario"]["faults"] = [{"kind": "partition", "at_s": 0.5, "until_s": 1, "groups": groups}]
    report = checks.Reporter({})
    checks.check_level(report, "x.toml", "x", LevelFile.model_validate(data), ["c"], [])
    return [str(p) for p in report.problems if p.severity == "error"]


def test_groups_may_name_regions_and_every_kind_of_node():
    assert _problems([["a", "primary"], ["b", "r1", "cache", "q0"]]) == []


def test_one_group_naming_a_node_is_a_partition():
    assert _problems([["r1"]]) == []
    assert _problems([["a"]]) == [
        "x.toml: scenario.faults[0].groups: a partition needs at least two groups of regions "
        "(or a group naming a node), got 1"
    ]


def test_an_unknown_node_name_is_an_error_at_its_field():
    assert _problems([["a"], ["b", "r2"]]) == [
        "x.toml: scenario.faults[0].groups[1][1]: unknown region or node 'r2'; "
        "expected one of: a, b, primary, cache, r1, q0, q1, q2"
    ]


def test_a_node_in_two_groups_is_an_error():
    assert _problems([["r1", "a"], ["b", "r1"]]) == [
        "x.toml: scenario.faults[0].groups[1][1]: node 'r1' is in more than one group"
    ]
