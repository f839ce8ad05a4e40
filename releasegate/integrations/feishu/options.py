"""The form's external options (关联外部选项, reference §A1): Feishu POSTs to these when a
person opens the form or changes a linked widget, and waits 3 s.

- `POST /feishu/options/projects`: every project.
- `POST /feishu/options/applications`: the applications of the project chosen in the
  linked widget (`linkage_params`, any key: the admin names it; `project` by our guide).
- `POST /feishu/options/choices/<PARAMETER>`: a parameter's listed choices for the
  application chosen (`linkage_params`, e.g. `{"application": "application:mall/order"}`).

Answered from the in-memory catalog only, never from Jenkins. Option ids are ours
(option_ids.py), unique across every source of the form; each option's text is in
`i18nResources` for zh_cn and en_us (mandatory: without it Feishu shows blank options).
`query` filters and `page_token` pages when the source is configured for search.
The token in the body is checked in constant time; with `FEISHU_OPTIONS_KEY` set the
`result` is encrypted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import (
    application_option,
    find_application,
    find_project,
    parameter_values,
    project_option,
)
from releasegate.catalog.option_ids import (
    application_id,
    choice_id,
    chosen,
    project_id,
)
from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.integrations.feishu.crypto import encrypt, same_secret
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.validation import first_problem

logger = logging.getLogger("releasegate.feishu.options")

# Feishu asks for pages of "不小于 10"; a page this long covers most catalogs at once.
PAGE_SIZE = 50
LOCALES = ("zh_cn", "en_us")
Text = Annotated[str, StringConstraints(max_length=1000)]


class OptionsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: Text = ""
    user_id: Text = ""
    employee_id: Text = ""
    linkage_params: Annotated[
        dict[Text, Text | int | float | bool | None], Field(max_length=50)
    ] = {}
    page_token: Text = ""
    query: Text = ""
    locale: Text = ""

    def linked(self, *names: str) -> str:
        """The linked widget's value: under one of `names`, else the only one given."""
        for name in names:
            value = self.linkage_params.get(name)
            if value not in (None, ""):
                return str(value)
        values = [str(v) for v in self.linkage_params.values() if v not in (None, "")]
        return values[0] if len(values) == 1 else ""


Options = Iterable[tuple[str, str]]
View = Callable[[HttpRequest], HttpResponse]
# What a source answers: the catalog entry it is about (None: nothing found) and its options.
Found = tuple[tuple[str, ...] | None, Options]


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return _encoded(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), status
    )


def _encoded(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _source(options_for: Callable[[OptionsQuery, CatalogSnapshot], Found]) -> View:
    """A view answering Feishu's options call with `options_for(query)`'s (id, text)."""

    @csrf_exempt
    @public_endpoint
    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            refused = _json({"code": 405, "msg": "use POST"}, status=405)
            refused["Allow"] = "POST"
            return refused
        feishu = settings.CONFIG.feishu
        if feishu is None or not feishu.options_token:
            return _json({"code": 503, "msg": "Feishu's external options are not configured"}, 503)
        try:
            query = OptionsQuery.model_validate_json(request.body or b"{}")
        except ValidationError as exc:
            where, problem = first_problem(exc, "body")
            return _json(
                {"code": 400, "msg": f"malformed body: {where}: {problem}", "field": where}, 400
            )
        if not same_secret(query.token, feishu.options_token):
            logger.warning("refused an options call to %s: wrong token", request.path)
            return _json({"code": 401, "msg": "refused"}, 401)
        result = _result(query, options_for)
        if feishu.options_key:
            sealed = encrypt(feishu.options_key, result)
            return _json({"code": 0, "msg": "success!", "data": {"result": sealed}})
        return _encoded(b'{"code":0,"msg":"success!","data":{"result":' + result + b"}}")

    return view


def _result(
    query: OptionsQuery, options_for: Callable[[OptionsQuery, CatalogSnapshot], Found]
) -> bytes:
    """The `result` as encoded JSON. The form asks for the same lists again and again, so
    an answer about a catalog entry (without a search) is encoded once per snapshot."""
    catalog = snapshot.current()
    about, options = options_for(query, catalog)
    page = query.page_token if query.page_token.isdigit() else ""

    def build() -> bytes:
        found = _page(list(options), query)
        return json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    if about is None or query.query.strip():
        return build()
    return catalog.remember(("feishu-options", *about, page), build)


def _page(options: list[tuple[str, str]], query: OptionsQuery) -> dict[str, Any]:
    wanted = query.query.strip().casefold()
    if wanted:
        options = [(i, t) for i, t in options if wanted in t.casefold() or wanted in i.casefold()]
    start = int(query.page_token) if query.page_token.isdigit() else 0
    page = options[start : start + PAGE_SIZE]
    more = start + PAGE_SIZE < len(options)
    return {
        "options": [{"id": i, "value": f"@i18n@{i}", "isDefault": False} for i, _ in page],
        "i18nResources": [
            {
                "locale": locale,
                "isDefault": locale == "zh_cn",
                "texts": {f"@i18n@{i}": text for i, text in page},
            }
            for locale in LOCALES
        ],
        "hasMore": more,
        "nextPageToken": str(start + PAGE_SIZE) if more else "",
    }


def _projects(query: OptionsQuery, catalog: CatalogSnapshot) -> Found:
    options = []
    for project in catalog.projects:
        key, label = project_option(project)
        options.append((project_id(key), label))
    return ("projects",), options


def _applications(query: OptionsQuery, catalog: CatalogSnapshot) -> Found:
    asked = query.linked("project", "项目名称", "项目")
    project = find_project(catalog, chosen(asked) or asked) if asked else None
    if project is None:
        return None, ()
    options = [
        (application_id(key), label) for key, label in map(application_option, project.applications)
    ]
    return ("applications", project.key), options


def _choices(parameter: str) -> Callable[[OptionsQuery, CatalogSnapshot], Found]:
    def options_for(query: OptionsQuery, catalog: CatalogSnapshot) -> Found:
        asked = query.linked("application", "应用名称", "应用")
        found = find_application(catalog, chosen(asked) or asked, "") if asked else None
        if found is None:
            return None, ()
        values = _values(found, parameter)
        return ("choices", parameter, found.full_name), [
            (choice_id(parameter, v), v) for v in values
        ]

    return options_for


def _values(application: CatalogApplication | None, parameter: str) -> tuple[str, ...]:
    if application is None:
        return ()
    declared = next((p for p in application.parameters if p.name == parameter), None)
    return parameter_values(declared) if declared else ()


projects = _source(_projects)
applications = _source(_applications)


@csrf_exempt
def choices(request: HttpRequest, parameter: str) -> HttpResponse:
    return _source(_choices(parameter))(request)
