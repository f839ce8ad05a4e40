"""Who the caller is, as Jenkins exports it: `/whoAmI/api/*` and `/me/api/*` (also
`/user/<id>/api/*`).

Sources (jenkinsci/jenkins core):
- hudson/security/WhoAmI.java, an UnprotectedRootAction (served without Overall/Read):
  exports `name`, `authenticated`, `anonymous` and `authorities`. `details` and
  `toString` lost their @Exported (they leaked session ids), so they are not here.
  Anonymous callers are authenticated (AnonymousAuthenticationToken.isAuthenticated()
  is true) with the single authority "anonymous"; users of Jenkins' own user database
  have "authenticated".
- jenkins/model/Jenkins.java getMe(): anonymous callers get AccessDeniedException
  "/me is not available when not logged in", which the authentication entry point turns
  into a 403 (not a redirect) for API clients.
- hudson/model/User.java: `id` (1), `absoluteUrl` and `fullName` (999), `description`,
  `property` (inline). The URL is `user/<id>` with the id lower-cased: the default
  IdStrategy is case-insensitive and keys users by the lower-case id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from releasegate.simulators.jenkins.scenario import UserSpec
from releasegate.simulators.jenkins.security import Caller
from releasegate.simulators.jenkins.tree import INLINE, VISIBILITY

Json = dict[str, Any]
# The core user properties of a user in Jenkins' own user database (UserProperty
# subclasses with nothing exported show as their class only).
USER_PROPERTIES: list[Json] = [
    {"_class": "jenkins.security.ApiTokenProperty"},
    {"_class": "jenkins.model.experimentalflags.UserExperimentalFlagsProperty"},
    {"_class": "hudson.model.MyViewsProperty"},
    {"_class": "hudson.model.PaneStatusProperties"},
    {"_class": "jenkins.security.seed.UserSeedProperty"},
    {"_class": "hudson.search.UserSearchProperty", "insensitiveSearch": True},
    {"_class": "hudson.model.TimeZoneProperty"},
    {"_class": "hudson.security.HudsonPrivateSecurityRealm$Details"},
]


def who_am_i(caller: Caller) -> Json:
    anonymous = caller.user is None
    return {
        "_class": "hudson.security.WhoAmI",
        "anonymous": anonymous,
        "authenticated": True,
        "authorities": ["anonymous"] if anonymous else ["authenticated"],
        "name": caller.name,
    }


def user(spec: UserSpec, root_url: str) -> Json:
    return {
        "_class": "hudson.model.User",
        VISIBILITY: {"absoluteUrl": 999, "fullName": 999},
        INLINE: ("property",),
        "absoluteUrl": f"{root_url}user/{quote(spec.name.lower(), safe='')}",
        "description": spec.description,
        "fullName": spec.full_name or spec.name,
        "id": spec.name,
        "property": [dict(p) for p in USER_PROPERTIES],
    }
