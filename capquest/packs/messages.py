"""The words of pack validation and of the `pack` commands, in English and Korean.

Reasons follow `capquest.i18n.language()`; field paths and values are quoted as written in the file.
Korean strings keep East-Asian-ambiguous glyphs (≥, →, ★, box drawing) out: they misalign on CJK
terminals, so they say 이상/이하 in words.
"""

from __future__ import annotations

from capquest.i18n import language

MESSAGES: dict[str, tuple[str, str]] = {
    # -- translated pydantic errors
    "unknown_field": ("unknown field '{name}'", "알 수 없는 필드 '{name}'"),
    "did_you_mean": (" (did you mean '{hint}'?)", " ('{hint}'을(를) 뜻했나요?)"),
    "known": ("; expected one of: {known}", "; 가능한 값: {known}"),
    "missing": ("required field '{name}' is missing", "필수 필드 '{name}'이(가) 없습니다"),
    "missing_item": ("too few values: item {n} is missing", "값이 모자랍니다: {n}번째 값이 없습니다"),
    "ge": ("must be ≥ {limit}, got {got}", "{limit} 이상이어야 합니다. 입력값: {got}"),
    "gt": ("must be > {limit}, got {got}", "{limit}보다 커야 합니다. 입력값: {got}"),
    "le": ("must be ≤ {limit}, got {got}", "{limit} 이하여야 합니다. 입력값: {got}"),
    "lt": ("must be < {limit}, got {got}", "{limit}보다 작아야 합니다. 입력값: {got}"),
    "text_too_long": (
        "too long: {got} characters, the limit is {limit}",
        "너무 깁니다: {got}자, 최대 {limit}자",
    ),
    "text_too_short": ("must not be empty", "비어 있으면 안 됩니다"),
    "too_few": (
        "needs at least {limit} item(s), got {got}",
        "항목이 {limit}개 이상 필요합니다. 입력: {got}개",
    ),
    "too_many": ("at most {limit} item(s) allowed, got {got}", "항목은 최대 {limit}개입니다. 입력: {got}개"),
    "ident": (
        "must be an id: lowercase letters a-z, digits and '-', starting with a letter or digit, "
        "at most 48 characters; got {got}",
        "id 형식이어야 합니다: 영어 소문자 a-z, 숫자, '-'만 쓰고, 글자나 숫자로 시작하며 48자 이하. 입력값: {got}",
    ),
    "version": (
        "must be a version number like 1.0 or 1.2.3, got {got}",
        "1.0 이나 1.2.3 같은 버전 번호여야 합니다. 입력값: {got}",
    ),
    "pattern": (
        "must match the pattern {pattern}, got {got}",
        "패턴 {pattern} 에 맞아야 합니다. 입력값: {got}",
    ),
    "one_of": ("must be one of {choices}; got {got}", "다음 중 하나여야 합니다: {choices}. 입력값: {got}"),
    "whole_number": ("must be a whole number, got {got}", "정수여야 합니다. 입력값: {got}"),
    "number": ("must be a number, got {got}", "숫자여야 합니다. 입력값: {got}"),
    "boolean": ("must be true or false, got {got}", "true 또는 false여야 합니다. 입력값: {got}"),
    "text_type": (
        'must be text in quotes ("..."), got {got}',
        '따옴표로 감싼 글("...")이어야 합니다. 입력값: {got}',
    ),
    "table": (
        "must be a table ([section] or {{ key = value }}), got {got}",
        "표([section] 또는 {{ key = value }})여야 합니다. 입력값: {got}",
    ),
    "text_table": (
        'must be a table of translations like {{ en = "...", ko = "..." }}, got {got}',
        '{{ en = "...", ko = "..." }} 처럼 언어별 글을 담은 표여야 합니다. 입력값: {got}',
    ),
    "list": ("must be a list [ ... ], got {got}", "목록 [ ... ]이어야 합니다. 입력값: {got}"),
    # -- files
    "toml_syntax": ("TOML syntax error: {detail}", "TOML 문법 오류: {detail}"),
    "not_utf8": ("not UTF-8 text: save the file as UTF-8", "UTF-8 글이 아닙니다: 파일을 UTF-8로 저장하세요"),
    "too_big": (
        "the file is {size} KB; the limit is {limit} KB per file",
        "파일 크기가 {size} KB입니다. 파일 하나는 최대 {limit} KB입니다",
    ),
    "unreadable": ("cannot read the file: {detail}", "파일을 읽을 수 없습니다: {detail}"),
    "no_manifest": (
        "no pack.toml here: a pack is a folder holding pack.toml and one .toml file per level",
        "pack.toml이 없습니다: 팩은 pack.toml과 레벨마다 .toml 파일 하나를 담은 폴더입니다",
    ),
    "missing_level_file": (
        "level '{id}' is listed but its file {file} does not exist",
        "레벨 '{id}'이(가) 목록에 있지만 파일 {file}이(가) 없습니다",
    ),
    "unlisted_file": (
        "{file} is not listed in pack.toml's levels, so it is never played",
        "{file}이(가) pack.toml의 levels 목록에 없어서 플레이되지 않습니다",
    ),
    "duplicate": ("'{id}' appears more than once", "'{id}'이(가) 두 번 이상 나옵니다"),
    "id_mismatch": (
        "id '{got}' does not match the file name: the file must be named {expected}",
        "id '{got}'이(가) 파일 이름과 다릅니다: 파일 이름은 {expected}이어야 합니다",
    ),
    "unknown_ref": ("unknown {what} '{name}'", "알 수 없는 {what} '{name}'"),
    "what_chapter": ("chapter", "챕터"),
    "what_card": ("card", "카드"),
    "what_region": ("region", "리전"),
    "what_node": ("node", "노드"),
    "what_concept": ("concept", "개념"),
    "what_level": ("level", "레벨"),
    "hybrid_self": ("a hybrid card cannot assign itself", "하이브리드 카드는 자기 자신을 배정할 수 없습니다"),
    "hybrid_nested": (
        "card '{name}' is itself a hybrid (it has an assign table) and cannot be assigned",
        "카드 '{name}'은(는) 그 자체가 하이브리드(assign 표가 있음)라서 배정할 수 없습니다",
    ),
    "hybrid_no_assign": (
        "class is 'hybrid' but the card neither assigns cards nor sets per-data-class policies: add an "
        "assign or a classes table, or make it cp or ap",
        "class가 'hybrid'인데 카드 배정(assign)도 데이터 종류별 정책(classes)도 없습니다: assign 또는 classes 표를 "
        "넣거나 cp 또는 ap로 바꾸세요",
    ),
    "hybrid_class_unoffered": (
        "data class '{name}' is assigned here but not listed in hybrid.classes",
        "데이터 종류 '{name}'을(를) 배정했지만 hybrid.classes에 없습니다",
    ),
    "stars_order": (
        "star thresholds must rise: par < two stars < three stars, got {got}",
        "별 기준은 커져야 합니다: 통과(par) < 별 두 개 < 별 세 개. 입력값: {got}",
    ),
    "par_above_budget": (
        "par {par} is above the budget {budget}: no run can score that much",
        "통과 점수 {par}이(가) 예산 {budget}보다 커서 어떤 실행도 통과할 수 없습니다",
    ),
    "two_above_budget": (
        "two stars {stars} is above the budget {budget}: no run can earn two or three stars",
        "별 두 개 기준 {stars}이(가) 예산 {budget}보다 커서 어떤 실행도 별 두 개나 세 개를 받을 수 없습니다",
    ),
    "three_above_budget": (
        "three stars {stars} is above the budget {budget}: no run can earn three stars",
        "별 세 개 기준 {stars}이(가) 예산 {budget}보다 커서 어떤 실행도 별 세 개를 받을 수 없습니다",
    ),
    "fault_window": (
        "until_s ({until}) must be after at_s ({at})",
        "until_s({until})는 at_s({at})보다 뒤여야 합니다",
    ),
    "fault_after_end": (
        "starts at {at} s, after the run ends ({duration} s): it never happens",
        "{at}초에 시작하는데 실행은 {duration}초에 끝나므로 일어나지 않습니다",
    ),
    "partition_groups": (
        "a partition needs at least two groups of regions, got {got}",
        "네트워크 분단(partition)에는 리전 그룹이 둘 이상 필요합니다. 입력: {got}개",
    ),
    "region_twice": (
        "region '{name}' is in more than one group",
        "리전 '{name}'이(가) 여러 그룹에 들어 있습니다",
    ),
    "fault_node_missing": ('a {kind} fault needs node = "..."', '{kind} 장애에는 node = "..."가 필요합니다'),
    "link_self": ("a link must join two different regions", "링크는 서로 다른 두 리전을 이어야 합니다"),
    "rate_order": (
        "rate points must be in time order: at_s {at} comes after at_s {prev}",
        "rate 지점은 시간 순서여야 합니다: at_s {at}이(가) at_s {prev} 뒤에 나옵니다",
    ),
    "rate_after_end": (
        "at_s {at} is after the run ends ({duration} s)",
        "at_s {at}은(는) 실행이 끝난 뒤({duration}초)입니다",
    ),
    "needs_part": (
        "{field} = '{value}' needs {part} in the scenario's topology, and this level has none",
        "{field} = '{value}'에는 시나리오 topology의 {part}이(가) 필요한데 이 레벨에는 없습니다",
    ),
    "default_cache": (
        "{field} = '{value}' but the topology has no cache: a default one is added in the primary's region "
        "(declare [scenario.topology.cache] to choose it)",
        "{field} = '{value}'인데 topology에 캐시가 없어서 주 서버 리전에 기본 캐시가 추가됩니다 "
        "([scenario.topology.cache]로 직접 정하세요)",
    ),
    "counter_ttl_after_end": (
        "the run lasts {duration} s, so a stock counter living {ttl} s is never reloaded while orders arrive: "
        "it changes nothing",
        "실행이 {duration}초인데 재고 카운터가 {ttl}초 동안 살아 있으므로 주문이 들어오는 동안 다시 읽히지 않습니다: "
        "아무것도 바뀌지 않습니다",
    ),
    "counter_ttl_unused": (
        "no card takes stock from the cache (write_to = 'cache_queue' with orders), so there is no stock "
        "counter to expire: it changes nothing",
        "캐시에서 재고를 가져가는 카드(주문에 write_to = 'cache_queue')가 없어서 만료될 재고 카운터가 없습니다: "
        "아무것도 바뀌지 않습니다",
    ),
    "part_replica": ("a replica (topology.replicas)", "복제본(topology.replicas)"),
    "part_quorum": ("a quorum store (topology.quorum)", "쿼럼 저장소(topology.quorum)"),
    "ops_limit": (
        "this level would simulate about {ops} operations (duration × rate ÷ scale); the limit is {limit} "
        "per level: raise workload.scale to at least {scale}, or shorten the run or lower the rate",
        "이 레벨은 약 {ops}개 연산을 시뮬레이션하게 됩니다(시간 x 요청률 / scale). 레벨당 한도는 {limit}개입니다: "
        "workload.scale을 {scale} 이상으로 올리거나, 실행 시간이나 요청률을 줄이세요",
    ),
    "missing_translation": (
        "no '{lang}' text, but pack.toml declares languages = {langs}",
        "'{lang}' 글이 없는데 pack.toml은 languages = {langs}라고 선언합니다",
    ),
    "empty_text": ("empty text: give en and/or ko", "빈 글입니다: en이나 ko를 넣으세요"),
    "ambiguous_glyph": (
        "Korean text holds '{glyph}', drawn one or two columns wide depending on the terminal: "
        "use words instead",
        "한국어 글에 '{glyph}'이(가) 있습니다. 터미널에 따라 한 칸이나 두 칸을 차지하므로 말로 바꾸세요",
    ),
    # -- design warnings (they need the engine)
    "dominated": (
        "card '{card}' is beaten or tied on every axis (oversold, p99, errors, cost, anomalies) by card "
        "'{by}': nobody has a reason to pick it",
        "카드 '{card}'은(는) 모든 축(초과 판매, p99, 오류, 비용, 이상 현상)에서 카드 '{by}'보다 못하거나 같아서 "
        "고를 이유가 없습니다",
    ),
    "par_unreachable": (
        "no card reaches par {par}: the best is card '{card}' with {score}",
        "어떤 카드도 통과 점수 {par}에 닿지 않습니다: 최고는 카드 '{card}'의 {score}점입니다",
    ),
    "par_unreachable_hybrid": (
        " (assignments of hybrid.cards were not tried: run `capquest pack solve`)",
        " (hybrid.cards 배정 조합은 시도하지 않았습니다: `capquest pack solve`를 실행하세요)",
    ),
    "cp_not_consistent": (
        "card '{card}' is labelled cp but in its own level it oversells {oversold} units and makes "
        "{anomalies} stale or out-of-order reads: a cp card never does; label it by what it does "
        "(ap, or hybrid with per-data-class policies)",
        "카드 '{card}'은(는) cp라고 표시됐지만 자기 레벨에서 {oversold}개를 초과 판매하고 오래되었거나 순서가 "
        "뒤바뀐 읽기를 {anomalies}건 합니다. cp 카드는 그러지 않습니다: 하는 일에 맞게 표시하세요"
        "(ap, 또는 데이터 종류별 정책을 둔 hybrid)",
    ),
    "ap_refuses": (
        "card '{card}' is labelled ap but refuses {refused} requests during the level's scheduled "
        "partition: an ap card answers; label it cp, or hybrid when only some data refuses",
        "카드 '{card}'은(는) ap라고 표시됐지만 레벨에 예정된 네트워크 분할 동안 요청 {refused}건을 거절합니다. "
        "ap 카드는 답합니다: cp로, 일부 데이터만 거절한다면 hybrid로 표시하세요",
    ),
    "run_failed": (
        "card '{card}' could not be simulated: {detail}",
        "카드 '{card}'을(를) 시뮬레이션할 수 없습니다: {detail}",
    ),
    # -- framing lines of the commands
    "label_error": ("error", "오류"),
    "label_warning": ("warning", "경고"),
    "valid": (
        "{path}: pack '{id}' is valid ({levels} levels)",
        "{path}: 팩 '{id}'은(는) 올바릅니다 (레벨 {levels}개)",
    ),
    "valid_with_warnings": (
        "{path}: pack '{id}' is valid ({levels} levels), with {warnings} warning(s)",
        "{path}: 팩 '{id}'은(는) 올바릅니다 (레벨 {levels}개), 경고 {warnings}개",
    ),
    "invalid": (
        "{path}: the pack is invalid: {errors} error(s), {warnings} warning(s)",
        "{path}: 올바르지 않은 팩입니다: 오류 {errors}개, 경고 {warnings}개",
    ),
    "design_progress": ("simulating every card", "모든 카드를 시뮬레이션하는 중"),
    "no_such_path": ("no such file or folder: {path}", "파일이나 폴더가 없습니다: {path}"),
    "not_empty": (
        "{path} exists and is not empty: choose a new folder",
        "{path}이(가) 이미 있고 비어 있지 않습니다: 새 폴더를 고르세요",
    ),
    "created": (
        "created pack '{id}' in {path}: edit it, then run `capquest pack validate {path}`",
        "{path}에 팩 '{id}'을(를) 만들었습니다: 고친 뒤 `capquest pack validate {path}`를 실행하세요",
    ),
    "unknown_level": (
        "pack '{pack}' has no level '{name}'{hint}; its levels are: {known}",
        "팩 '{pack}'에는 레벨 '{name}'이(가) 없습니다{hint}. 레벨 목록: {known}",
    ),
    "solve_progress": ("{level}: running", "{level}: 실행 중"),
    "solve_sampled": (
        "{level}: {total} hybrid assignments, so a seeded sample of {sample} of them is run (seed {seed})",
        "{level}: 하이브리드 배정이 {total}가지라서 그중 {sample}가지를 시드 {seed}로 골라 실행합니다",
    ),
    "solve_all": (
        "{level}: all {total} hybrid assignments are run",
        "{level}: 하이브리드 배정 {total}가지를 모두 실행합니다",
    ),
    "frontier": (
        "frontier (no other run has both fewer oversold units and a lower p99): {runs}",
        "프런티어(초과 판매와 p99가 둘 다 더 낮은 실행이 없는 것): {runs}",
    ),
    "par_line": (
        "par {par}, two stars {two}, three stars {three}",
        "통과 {par}, 별 두 개 {two}, 별 세 개 {three}",
    ),
    "installed": (
        "installed pack '{id}' {version} into {path}",
        "팩 '{id}' {version}을(를) {path}에 설치했습니다",
    ),
    "replaced": (
        "installed pack '{id}' {version} into {path} (replacing version {old})",
        "팩 '{id}' {version}을(를) {path}에 설치했습니다 (기존 버전 {old}을(를) 바꿈)",
    ),
    "install_refused": (
        "not installed: the pack has {errors} error(s); run `capquest pack validate {path}`",
        "설치하지 않았습니다: 팩에 오류가 {errors}개 있습니다. `capquest pack validate {path}`를 실행하세요",
    ),
    "reserved_id": (
        "pack id '{id}' is the built-in campaign's: change id in pack.toml",
        "팩 id '{id}'은(는) 기본 캠페인의 id입니다: pack.toml의 id를 바꾸세요",
    ),
    "removed": ("removed pack '{id}'", "팩 '{id}'을(를) 지웠습니다"),
    "not_installed": (
        "no installed pack '{id}'{hint}; installed: {known}",
        "설치된 팩 '{id}'이(가) 없습니다{hint}. 설치된 팩: {known}",
    ),
    "none_installed": ("no packs installed (in {path})", "설치된 팩이 없습니다 ({path})"),
    "broken_installed": ("(broken: {errors} error(s))", "(손상됨: 오류 {errors}개)"),
    "col_pack": ("pack", "팩"),
    "col_title": ("title", "제목"),
    "col_version": ("version", "버전"),
    "col_levels": ("levels", "레벨"),
    "col_path": ("path", "경로"),
    "col_run": ("card / assignment", "카드 / 배정"),
    "col_oversold": ("oversold", "초과 판매"),
    "col_p99": ("p99 ms", "p99 ms"),
    "col_errors": ("errors %", "오류 %"),
    "col_cost": ("cost", "비용"),
    "col_anomalies": ("anomalies", "이상 현상"),
    "col_score": ("score", "점수"),
    "col_stars": ("stars", "별"),
    "unknown_schema": (
        "unknown schema '{name}': choose level, manifest or concepts",
        "알 수 없는 스키마 '{name}': level, manifest, concepts 중에서 고르세요",
    ),
}


def say(key: str, **values: object) -> str:
    """The message `key` in the current language, with `values` filled in."""
    en, ko = MESSAGES[key]
    template = ko if language() == "ko" else en
    return template.format(**values)
