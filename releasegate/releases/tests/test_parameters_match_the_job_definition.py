from __future__ import annotations

import pytest

from releasegate.catalog.snapshot import CatalogApplication, CatalogParameter
from releasegate.config import FormMapping
from releasegate.releases.form import RequestedRelease
from releasegate.releases.parameters import (
    ParameterInput,
    check_parameters,
    parameter_problem,
    requested_parameters,
)


def parameter(
    name: str,
    kind: str,
    *,
    default: str | bool | None = None,
    choices: tuple[str, ...] = (),
    description: str = "",
) -> CatalogParameter:
    return CatalogParameter(name, kind, description, default, choices, kind == "password")


SHOP = CatalogApplication(
    id=1,
    server="default",
    full_name="mall/shop",
    display_name="商城",
    description="",
    project_key="mall",
    url="http://jenkins/job/mall/job/shop/",
    parameters=(
        parameter("BRANCH", "choice", default="master", choices=("master", "develop")),
        parameter("DRY_RUN", "boolean", default=False, description="只演练"),
        parameter("VERSION", "string"),
        parameter("NOTES", "text", default=""),
        parameter("TAG", "git", default="main"),
        parameter("DB_PASSWORD", "password"),
        parameter("REGION", "active_choices"),
        parameter("WEIRD", "opaque"),
        parameter("RELEASE_TYPE", "choice", default="全量", choices=("全量", "灰度")),
    ),
)


def test_values_that_fit_have_no_problems() -> None:
    values = {"BRANCH": "develop", "DRY_RUN": "TRUE", "VERSION": "1.2.3", "TAG": "v9"}

    assert check_parameters(SHOP, values) == []


def test_empty_values_fall_back_to_the_defaults_where_there_are_some() -> None:
    assert check_parameters(SHOP, {"VERSION": "1.0", "BRANCH": "", "NOTES": "  "}) == []


@pytest.mark.parametrize("missing", [{}, {"VERSION": ""}, {"VERSION": "   "}, {"VERSION": None}])
def test_a_parameter_without_a_default_must_be_given(missing: dict[str, ParameterInput]) -> None:
    assert check_parameters(SHOP, missing) == ["参数 VERSION 必须填写（该任务没有默认值）"]


def test_a_choice_must_be_one_of_the_listed_values() -> None:
    assert check_parameters(SHOP, {"VERSION": "1", "BRANCH": "feature/x"}) == [
        "参数 BRANCH 的值 'feature/x' 不在可选范围内（可选：master、develop）"
    ]


@pytest.mark.parametrize("value", ["true", "false", "True", " FALSE ", True, False])
def test_a_boolean_takes_true_or_false(value: ParameterInput) -> None:
    assert parameter_problem(SHOP.parameters[1], value) is None


@pytest.mark.parametrize("value", ["yes", "是", "1", "on"])
def test_a_boolean_refuses_anything_else(value: str) -> None:
    assert parameter_problem(SHOP.parameters[1], value) == (
        f"参数 DRY_RUN（只演练） 只能是 true 或 false，收到 {value!r}"
    )


def test_a_boolean_value_for_a_text_parameter_is_refused() -> None:
    assert parameter_problem(SHOP.parameters[2], True) == "参数 VERSION 需要文字，收到 True"


def test_values_jenkins_computes_or_hides_are_not_second_guessed() -> None:
    values = {"VERSION": "1", "DB_PASSWORD": "x", "REGION": "anything", "WEIRD": "?"}

    assert check_parameters(SHOP, values) == []


def test_a_git_parameter_with_listed_choices_is_held_to_them() -> None:
    tag = parameter("TAG", "git", default="v1", choices=("v1", "v2"))

    assert parameter_problem(tag, "v2") is None
    assert parameter_problem(tag, "v3") == "参数 TAG 的值 'v3' 不在可选范围内（可选：v1、v2）"


def test_a_long_choice_list_is_shortened_in_the_message() -> None:
    many = parameter("N", "choice", default="0", choices=tuple(str(n) for n in range(25)))

    assert parameter_problem(many, "x") == (
        "参数 N 的值 'x' 不在可选范围内（可选：0、1、2、3、4、5、6、7、8、9 等 25 项）"
    )


def test_a_parameter_the_job_does_not_declare_is_named() -> None:
    assert check_parameters(SHOP, {"VERSION": "1", "ENV": "prod", "EMPTY": ""}) == [
        "应用 商城 没有参数 ENV，请清空该字段"
    ]


def test_every_problem_is_listed_in_the_jobs_order() -> None:
    problems = check_parameters(SHOP, {"ENV": "prod", "DRY_RUN": "maybe", "BRANCH": "x"})

    assert [problem.split(" ")[1] for problem in problems] == [
        "BRANCH",
        "DRY_RUN（只演练）",
        "VERSION",
        "商城",
    ]


def test_undeclared_parameters_are_named_in_one_order_however_stored() -> None:
    given = {"ENV": "prod", "BRANCH_EXTRA": "x", "VERSION": "1"}

    problems = check_parameters(SHOP, given)

    assert check_parameters(SHOP, dict(reversed(given.items()))) == problems
    assert problems == [
        "应用 商城 没有参数 BRANCH_EXTRA，请清空该字段",
        "应用 商城 没有参数 ENV，请清空该字段",
    ]


def request(release_type: str, **parameters: str) -> RequestedRelease:
    return RequestedRelease("mall", "mall/shop", release_type, "", False, False, parameters)


def test_the_release_type_goes_to_the_jobs_release_type_parameter() -> None:
    assert requested_parameters(request("灰度", BRANCH="master"), SHOP, FormMapping()) == {
        "BRANCH": "master",
        "RELEASE_TYPE": "灰度",
    }


def test_a_job_without_the_release_type_parameter_does_not_receive_it() -> None:
    bare = CatalogApplication(1, "default", "ops/tool", "工具", "", "ops", "u", ())

    assert requested_parameters(request("灰度"), bare, FormMapping()) == {}


def test_a_field_with_alternative_names_fills_the_one_the_job_declares() -> None:
    from releasegate.config import FormMapping
    from releasegate.releases.form import read_form
    from releasegate.releases.parameters import requested_parameters

    mapping = FormMapping(parameters={"分支或标签": ["BRANCH", "TAG"]})
    requested = read_form({"分支或标签": "v3.7.2"}, mapping)
    assert requested.parameters == {"BRANCH": "v3.7.2"}

    tagged = _application_with("TAG")
    branched = _application_with("BRANCH")
    neither = _application_with("VERSION")

    assert requested_parameters(requested, tagged, mapping) == {"TAG": "v3.7.2"}
    assert requested_parameters(requested, branched, mapping) == {"BRANCH": "v3.7.2"}
    assert requested_parameters(requested, neither, mapping) == {"BRANCH": "v3.7.2"}


def _application_with(name: str) -> CatalogApplication:
    return CatalogApplication(
        id=1,
        server="default",
        full_name="mall/x",
        display_name="X",
        description="",
        project_key="mall",
        url="",
        parameters=(CatalogParameter(name, "string", "", "", (), False),),
    )
