"""The author profile the sidebar shows: validation of its fields and of the academicpages `author:` block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import Profile, User
from ..publishing import load_yaml_document
from ..publishing.meta import language_notice, language_of
from . import assets
from .errors import FieldError
from .sites import LINK_KINDS
from .unit_of_work import unit_of_work

TEXT_LIMITS = {"display_name": 120, "pronouns": 40, "bio": 1000, "location": 120, "employer": 200}
LINK_LABELS = dict(LINK_KINDS)
# Services where a bare user name is as good as a URL (academicpages' _config.yml stores names for these).
HANDLE_URLS = {
    "github": "https://github.com/{}",
    # academicpages' author-profile include links a Twitter name to twitter.com (which sends visitors on to x.com)
    "twitter": "https://twitter.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "researchgate": "https://www.researchgate.net/profile/{}",
    "google_scholar": "https://scholar.google.com/citations?user={}",
    "arxiv": "https://arxiv.org/a/{}",
    # academicpages writes the user's number and name as its address has them: '7718843/ada'
    "stackoverflow": "https://www.stackoverflow.com/users/{}",
}
HANDLE_PATTERN = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STACKOVERFLOW_USER = re.compile(r"\A\d{1,12}(?:/[A-Za-z0-9_-]{1,100})?\Z")
MASTODON_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,64})@([A-Za-z0-9.-]+\.[A-Za-z]{2,})$")
ORCID_PATTERN = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$")
# academicpages' sidebar shows images/<avatar>; a leading 'images/' is the same file.
AVATAR_FOLDER = re.compile(r"^/?images/")
# What a URL may hold as it is; anything else (a space, non-ASCII) is percent-encoded, as a browser would.
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
AVATAR_LIMIT = 255  # Profile.avatar's column


class ProfileError(FieldError):
    """A refused change; `field` names the form field the message belongs to."""


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID specifies for the last character of an iD."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return digits[-1] == ("X" if result == 10 else str(result))


def normalize_link(kind: str, raw: str) -> str:
    """A validated URL (or email address for `email`) for one sidebar link; ProfileError if it is not one."""
    value = raw.strip()
    label = LINK_LABELS[kind]
    if kind == "email":
        try:
            return validate_email(value.removeprefix("mailto:"), check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ProfileError(kind, f"{label}: not a valid email address ({error}).") from None
    if kind == "orcid":
        match = ORCID_PATTERN.match(value)
        if not match or not orcid_checksum_ok(match.group(1)):
            raise ProfileError(kind, f"{label}: '{value}' is not a valid ORCID iD (like 0000-0002-1825-0097); "
                               "check for a mistyped digit: the last character is a checksum.")
        return f"https://orcid.org/{match.group(1)}"
    if kind == "mastodon" and (match := MASTODON_HANDLE.match(value)):
        return f"https://{match.group(2)}/@{match.group(1)}"
    is_url = value.startswith(("http://", "https://", "www."))
    if kind == "stackoverflow" and STACKOVERFLOW_USER.match(value):
        return HANDLE_URLS[kind].format(value)
    if kind in HANDLE_URLS and not is_url and HANDLE_PATTERN.match(value):
        return HANDLE_URLS[kind].format(quote(value.lstrip("@")))
    return _http_url(kind, value)


def _http_url(kind: str, value: str) -> str:
    if value.startswith("www."):
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ProfileError(kind, f"{LINK_LABELS[kind]}: '{value}' is not a web address. "
                           "Use a full URL starting with https://")
    return value


def normalize_avatar(raw: str) -> str:
    """An asset name of the tenant's (academicpages: 'profile.png' or 'picture/profile.jpg' in images/) or an
    https URL, a space in it percent-encoded."""
    value = raw.strip()
    if not value:
        return ""
    if value.startswith("https://"):
        url = quote(value, safe=URL_SAFE)
        if any(char.isspace() and char != " " for char in value) or not urlsplit(url).netloc:
            raise ProfileError("avatar", f"Avatar: '{value}' is not a web address.")
        return _within_column(url)
    name = AVATAR_FOLDER.sub("", value, count=1)
    if assets.is_valid_name(name):
        return _within_column(name)
    raise ProfileError("avatar", "Avatar: give the name of an uploaded image (like profile.png) or an https:// URL.")


def _within_column(avatar: str) -> str:
    # Checked on what is stored, after percent-encoding: PostgreSQL refuses a longer value with an error.
    if len(avatar) > AVATAR_LIMIT:
        raise ProfileError("avatar", f"Avatar: at most {AVATAR_LIMIT} characters (this one has {len(avatar)} once "
                           "spaces and other characters are encoded for a web address). Use a shorter address, or "
                           "upload the image under Files and give its name.")
    return avatar


def clean_profile_fields(fields: dict) -> dict:
    """Validated profile values from untrusted input: texts trimmed and bounded, links normalised."""
    cleaned: dict = {}
    for name, limit in TEXT_LIMITS.items():
        if name in fields:
            text = clean_text(name, fields[name])
            if len(text) > limit:
                raise ProfileError(name, f"{name.replace('_', ' ').capitalize()}: at most {limit} characters "
                                   f"(this one has {len(text)}).")
            cleaned[name] = text
    if "avatar" in fields:
        cleaned["avatar"] = normalize_avatar(str(fields["avatar"] or ""))
    if "links" in fields:
        given = {kind: str(value or "").strip() for kind, value in fields["links"].items() if kind in LINK_LABELS}
        cleaned["links"] = {kind: normalize_link(kind, value) for kind, value in given.items() if value}
    if "locale" in fields:
        _take_locale(cleaned, fields["locale"])
    return cleaned


def _take_locale(cleaned: dict, raw) -> None:
    """The site's language in its standard spelling ('en_us' -> 'en-US'); "" clears it. A value that is not a
    language tag changes nothing: locale_notice says so, and the rest of the profile is saved."""
    text = str(raw or "").strip()
    language = language_of(text)
    if not text or language is not None:
        cleaned["locale"] = language.tag if language else ""


def locale_notice(raw) -> str | None:
    """The notice for a profile language that is not a BCP 47 tag (None for a tag or nothing)."""
    notice = language_notice("Language", str(raw or "").strip() or None)
    return None if notice is None else notice.replace("the page says the site's language", "your site keeps the "
                                                      "language it had")


def clean_text(name: str, raw) -> str:
    """One line of text (the bio keeps its line breaks), trimmed."""
    return " ".join(str(raw or "").split()) if name != "bio" else str(raw or "").strip()


def update_profile(tenant: User, fields: dict) -> Profile:
    """Set the profile's fields (validated; ProfileError names the first that is not), in a unit of work."""
    cleaned = clean_profile_fields(fields)
    with unit_of_work():
        return _set_fields(tenant, cleaned)


def _set_fields(tenant: User, cleaned: dict) -> Profile:
    profile = tenant.profile or Profile(user_id=tenant.id)
    for name, value in cleaned.items():
        setattr(profile, name, value)
    db.session.add(profile)
    return profile


def update_from_author_block(tenant: User, fields: dict) -> bool:
    """update_profile for an academicpages `author:` block: it sets what it names and keeps the rest, links
    included (the block has the links academicpages knows; others were added here). Whether anything changed."""
    current = tenant.profile
    kept_links = (current.links if current is not None else None) or {}
    cleaned = clean_profile_fields({**fields, "links": {**kept_links, **fields.get("links", {})}})
    if current is not None and all(getattr(current, name) == value for name, value in cleaned.items()):
        return False
    with unit_of_work():
        _set_fields(tenant, cleaned)
    return True


# academicpages `author:` keys -> our fields; keys not listed here are reported as not shown.
AUTHOR_KEYS = {
    "name": "display_name", "pronouns": "pronouns", "bio": "bio", "location": "location",
    "employer": "employer", "avatar": "avatar",
}
AUTHOR_LINK_KEYS = {
    "email": "email", "uri": "homepage", "googlescholar": "google_scholar", "orcid": "orcid",
    "github": "github", "stackoverflow": "stackoverflow", "linkedin": "linkedin", "twitter": "twitter",
    "bluesky": "bluesky", "mastodon": "mastodon", "researchgate": "researchgate", "semantic": "semantic_scholar",
    "semanticscholar": "semantic_scholar", "dblp": "dblp", "arxiv": "arxiv",
}


def fields_from_author_block(author: dict) -> tuple[dict, list[str]]:
    """Validated profile fields from a _config.yml `author:` mapping, and notices about what was left out.

    Lenient where the profile form is strict: Jekyll builds a site whatever its author block says, so a value
    that fails validation (the template's 'http://orcid.org/yourorcidurl', a javascript: link, an avatar
    profilehost cannot store) is left out with a notice naming the field, never a refusal of the file."""
    fields: dict = {"links": {}}
    notices: list[str] = []
    skipped = []
    for key, value in author.items():
        if value in (None, ""):
            continue
        target = AUTHOR_KEYS.get(key) or AUTHOR_LINK_KEYS.get(key)
        if target is None:
            skipped.append(str(key))
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            notices.append(f"author.{key}: expected text, found {type(value).__name__}; it was left out.")
        elif key in AUTHOR_LINK_KEYS:
            _take_link(fields["links"], key, target, str(value), notices)
        elif target == "avatar":
            _take_avatar(fields, key, str(value), notices)
        else:
            fields[target] = _bounded_text(key, target, str(value), notices)
    if skipped:
        notices.append(f"Not shown in the profilehost sidebar: {', '.join(sorted(skipped))}.")
    return fields, notices


# What a link that fails validation was expected to be, for the notice.
LINK_EXPECTED = {"email": "an email address", "orcid": "an ORCID iD",
                 "mastodon": "a Mastodon address (@you@server.social or a URL)"}


def _take_link(links: dict, key: str, kind: str, value: str, notices: list[str]) -> None:
    try:
        links[kind] = normalize_link(kind, value)
    except ProfileError:
        expected = LINK_EXPECTED.get(kind) or ("a user name or a web address" if kind in HANDLE_URLS
                                               else "a web address")
        notices.append(f"author.{key}: {_shown(value)} is not {expected}; the link was left out.")


def _take_avatar(fields: dict, key: str, value: str, notices: list[str]) -> None:
    try:
        fields["avatar"] = normalize_avatar(value)
    except ProfileError as refused:
        if value.strip().startswith("http://"):
            why = "is an http:// address, which browsers do not show on an https:// page (use its https:// one)"
        elif value.strip().startswith("https://"):
            why = f"cannot be shown ({refused.message.removeprefix('Avatar: ')})"
        else:
            why = "is neither an image in images/ nor an https:// address"
        fields["avatar"] = ""  # what the block names cannot be shown: no avatar rather than an older one
        notices.append(f"author.{key}: {_shown(value)} {why}; the sidebar shows no avatar.")


def _bounded_text(key: str, name: str, value: str, notices: list[str]) -> str:
    text, limit = clean_text(name, value), TEXT_LIMITS[name]
    if len(text) <= limit:
        return text
    notices.append(f"author.{key}: {len(text)} characters, more than the {limit} the sidebar shows; it was "
                   "shortened.")
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _shown(value: str) -> str:
    value = value.strip()
    return repr(value if len(value) <= 100 else value[:99] + "…")


@dataclass
class AuthorConfig:
    fields: dict
    notices: list[str]


def read_author_config(raw: bytes, filename: str) -> AuthorConfig:
    """The profile fields in an academicpages _config.yml's `author:` block (or al-folio's top-level keys),
    validated like the profile form; what fails validation is left out with a notice (fields_from_author_block)."""
    document = load_yaml_document(raw, filename)
    author = author_block_of(document)
    if author is None:
        raise ProfileError("author", f"{filename} has no 'author:' block. academicpages keeps the sidebar's "
                           "name, bio and links there; add one or fill in the profile form instead.")
    fields, notices = fields_from_author_block(author)
    return AuthorConfig(fields, notices + config_notices(document, filename))


def config_notices(document, filename: str) -> list[str]:
    """What a _config.yml's site-wide settings (beyond the author: block) do not say well: a `locale` that is not
    a language tag is not used (pages say the profile's language, else English)."""
    value = document.get("locale") if isinstance(document, dict) else None
    notice = language_notice("locale", value)
    return [f"{filename}, {notice.replace('the page says', 'pages say')}"] if notice else []


# al-folio keeps the author's name and social accounts at the top of _config.yml, not in an author: block; these
# are its keys, as the academicpages author keys (and address) they stand for.
AL_FOLIO_LINKS = {
    "email": ("email", "{}"), "github_username": ("github", "{}"), "twitter_username": ("twitter", "{}"),
    "x_username": ("twitter", "{}"), "linkedin_username": ("linkedin", "{}"),
    "scholar_userid": ("googlescholar", "https://scholar.google.com/citations?user={}"),
    "orcid_id": ("orcid", "https://orcid.org/{}"),
    "research_gate_profile": ("researchgate", "https://www.researchgate.net/profile/{}"),
    "semanticscholar_id": ("semantic", "https://www.semanticscholar.org/author/{}"), "dblp_url": ("dblp", "{}"),
}
AL_FOLIO_NAME = ("first_name", "middle_name", "last_name")


def author_block_of(document) -> dict | None:
    """A _config.yml's `author:` mapping; for an al-folio site, which has none, the same made from its top-level
    name and social keys; None when the file has neither."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("author"), dict):
        return document["author"]
    author = {key: template.format(str(document[name]).strip()) for name, (key, template) in AL_FOLIO_LINKS.items()
              if isinstance(document.get(name), str | int) and not isinstance(document.get(name), bool)
              and str(document[name]).strip()}
    if not author:
        return None
    parts = [str(document[part]).strip() for part in AL_FOLIO_NAME if isinstance(document.get(part), str)]
    name = " ".join(part for part in parts if part) or document.get("name")
    if isinstance(name, str) and name.strip():
        author["name"] = name
    return author
