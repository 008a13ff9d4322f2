"""Settings read from PROFILEHOST_* environment variables and validated when the app starts.

This is the only module that reads the environment: everything else receives settings through
`app.config`, so a typo in a variable name fails loudly at start instead of silently using a default.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "PROFILEHOST_"

# Variables read elsewhere than create_app (the CLI, the test suite) are known too, so that they are not
# reported as typos.
KNOWN_VARIABLES = {
    "DATABASE_URL": "database URL: sqlite:///path or postgresql+psycopg://user@host/db",
    "INSTANCE_PATH": "folder for the SQLite database and the secret key `flask instance init` makes",
    "SECRET_KEY": "secret used to sign sessions and CSRF tokens",
    "REDIS_URL": "redis://host:port/db for shared rate-limit storage and the job queue (else SQLite in the instance "
                 "folder)",
    "JOBS_WORKERS": "jobs (site imports) the one `flask jobs worker` process runs at once, as threads",
    "SQLITE_BUSY_TIMEOUT_MS": "how long a request waits for another SQLite writer before answering 503, in ms",
    "SITE_REBUILD_IN_REQUEST_MAX": "pages a site-file change renders again inside its request; more go to a job",
    "HTTPS": "true when served over HTTPS: secure cookies and HSTS",
    "REGISTRATION": "open, approval, invite or closed",
    "ASSET_QUOTA_MB": "storage quota per tenant, in MiB",
    "TRUST_PROXY": "number of reverse proxies whose X-Forwarded-* headers are trusted",
    "PUBLIC_CACHE_SECONDS": "how long nginx or another shared cache may serve a public page or file without asking "
                            "again (the delay of a takedown), in seconds",
    "SERVER_NAME": "the host names the site answers for, comma-separated (profiles.example.org); others get 400",
    "PAGES_HOST": "the content origin: a host name of its own (pages.example.org) that serves the tenants' sites, "
                  "never a session cookie; unset: they are served under the site's own names",
    "DOMAIN_TARGET": "the host name a researcher's own domain names in its CNAME record (default: PAGES_HOST, else "
                     "the first SERVER_NAME)",
    "DOMAIN_ADDRESSES": "the IP addresses, comma-separated, an apex domain's A/AAAA records name (an apex can have no "
                        "CNAME); unset: only subdomains can be added",
    "DNS_RESOLVER": "host:port of the DNS resolver that verifies researchers' domains (default: the system's)",
    "PAGE_CACHE_MB": "memory each worker process may give to cached public pages, in MiB (0: none)",
    "RENDER_PROCESSES": "processes one save may keep busy at once (formatting a long bibliography, sanitizing a long "
                        "list); default: the machine's cores, at most 4; 1: none forked",
    "BASE_URL": "the address links in mail start with (https://profiles.example.org); default: the first "
                "SERVER_NAME, else http://127.0.0.1:5000 when mail stays in instance/mail (required with SMTP_URL "
                "and no SERVER_NAME)",
    "PASSWORD": "password for 'flask user create' (read by the CLI only)",
    "ADMIN_REQUIRE_2FA": "true (the default): an admin must turn on two-factor sign-in before any admin page opens",
    "SMTP_URL": "outgoing mail server: smtp://user:password@host:587?starttls=true or smtps://user:password@host:465 "
                "(unset: each message is written to the log and to instance/mail/)",
    "MAIL_FROM": "the From of outgoing mail, as 'profilehost <no-reply@profiles.example.org>'",
    "SMTP_TIMEOUT": "seconds the mail worker waits for the mail server before trying again later",
    "EMAIL_VERIFICATION": "true: a new account or email address counts once its owner follows the mailed link; false "
                          "(a site without mail): every address counts as confirmed",
    "TEST_DATABASE_URL": "database the test suite runs against (read by the tests only)",
}
REGISTRATION_MODES = ("open", "approval", "invite", "closed")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DEFAULT_PROCESSES = min(os.cpu_count() or 1, 4)
SECRET_KEY_FILE = "secret_key"
# A name or an address with an optional port, as a Host header carries it: no scheme, user, path or spaces.
HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?P<port>:[0-9]{1,5})?")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable and how to fix it."""


def read_settings(environ: Mapping[str, str] | None = None) -> dict:
    """Flask config values from the environment (os.environ by default)."""
    env = {k[len(PREFIX):]: v for k, v in (os.environ if environ is None else environ).items()
           if k.startswith(PREFIX)}
    _refuse_unknown(env)
    instance_path = Path(env.get("INSTANCE_PATH") or REPO_ROOT / "instance").resolve()
    return {
        "INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SECRET_KEY": env.get("SECRET_KEY") or stored_secret_key(instance_path),
        "REDIS_URL": _redis_url(env.get("REDIS_URL")),
        "HTTPS": _boolean("HTTPS", env.get("HTTPS", "")),
        "REGISTRATION": _choice("REGISTRATION", env.get("REGISTRATION", "open"), REGISTRATION_MODES),
        "ASSET_QUOTA_BYTES": _positive_int("ASSET_QUOTA_MB", env.get("ASSET_QUOTA_MB", "100")) * 1024 * 1024,
        "TRUST_PROXY": _non_negative_int("TRUST_PROXY", env.get("TRUST_PROXY", "0")),
        "PUBLIC_CACHE_SECONDS": _positive_int("PUBLIC_CACHE_SECONDS", env.get("PUBLIC_CACHE_SECONDS", "10")),
        "SERVER_NAMES": _server_names(env.get("SERVER_NAME", "")),
        **_domain_settings(env),
        "PAGE_CACHE_BYTES": _non_negative_int("PAGE_CACHE_MB", env.get("PAGE_CACHE_MB", "32")) * 1024 * 1024,
        "JOBS_WORKERS": _positive_int("JOBS_WORKERS", env.get("JOBS_WORKERS", "1")),
        "RENDER_PROCESSES": _positive_int("RENDER_PROCESSES", env.get("RENDER_PROCESSES", str(DEFAULT_PROCESSES))),
        "ADMIN_REQUIRE_2FA": _boolean("ADMIN_REQUIRE_2FA", env.get("ADMIN_REQUIRE_2FA", "true")),
        "SQLITE_BUSY_TIMEOUT_MS": _positive_int("SQLITE_BUSY_TIMEOUT_MS", env.get("SQLITE_BUSY_TIMEOUT_MS", "2000")),
        "SITE_REBUILD_IN_REQUEST_MAX": _positive_int("SITE_REBUILD_IN_REQUEST_MAX",
                                                     env.get("SITE_REBUILD_IN_REQUEST_MAX", "50")),
        **_mail_settings(env),
    }


def cli_password() -> str | None:
    return os.environ.get(PREFIX + "PASSWORD") or None


def test_database_url() -> str | None:
    return os.environ.get(PREFIX + "TEST_DATABASE_URL") or None


def database_url(raw: str | None, instance_path: Path) -> str:
    if not raw:
        return f"sqlite:///{instance_path / 'profilehost.sqlite3'}"
    scheme = urlsplit(raw).scheme
    # Hosting providers hand out postgres:// URLs; psycopg 3 is the driver we ship, so say so once here.
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg" + raw[len(scheme):]
    if scheme in ("postgresql+psycopg", "sqlite"):
        return raw
    raise ConfigError(
        f"{PREFIX}DATABASE_URL has the unsupported scheme {scheme or '(none)'!r}: "
        "use sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user:password@host:5432/dbname"
    )


def host_name(raw: str) -> str | None:
    """A host as one spelling (lowercase, without the root's trailing dot), or None if it is not a host name with
    an optional port. The same rule reads PROFILEHOST_SERVER_NAME and every request's Host header."""
    match = HOST.fullmatch(raw.strip().lower())
    if match is None or not match["name"].rstrip("."):
        return None
    return match["name"].rstrip(".") + (match["port"] or "")


def stored_secret_key(instance_path: Path) -> str | None:
    """The key `flask instance init` keeps in the instance folder, if it has made one."""
    try:
        return (instance_path / SECRET_KEY_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None


def create_secret_key_file(instance_path: Path) -> bool:
    """Make the instance folder and its key file (mode 0600); False when a key file is there already, kept as it
    is (a new key would end every session and invalidate every mailed link)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: a process starting at the same moment (the web
    # and the job worker) finds either no key file or the complete key, and of two makers one wins.
    fd, written = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        os.link(written, instance_path / SECRET_KEY_FILE)
    except FileExistsError:
        return False
    finally:
        os.unlink(written)
    return True


def require_secret_key(settings: Mapping) -> None:
    """Refuse to serve without a key, rather than fail at the first form or sign-in, or make up a key per process
    (every worker would reject the sessions and mailed links of the others)."""
    if not settings.get("SECRET_KEY"):
        key_file = Path(settings["INSTANCE_PATH"]) / SECRET_KEY_FILE
        raise ConfigError(
            f"No secret key: run `flask --app profilehost instance init` once (it makes {key_file}), or set "
            f"{PREFIX}SECRET_KEY (the same value on every app server), then start profilehost again.")


def _refuse_unknown(env: Mapping[str, str]) -> None:
    unknown = sorted(set(env) - set(KNOWN_VARIABLES))
    if unknown:
        known = ", ".join(PREFIX + name for name in KNOWN_VARIABLES)
        raise ConfigError(f"Unknown setting {PREFIX}{unknown[0]}: check its spelling. Known settings: {known}")


def _boolean(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{PREFIX}{name}={raw!r} is not a boolean: use true or false")


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    if raw.strip().lower() in choices:
        return raw.strip().lower()
    raise ConfigError(f"{PREFIX}{name}={raw!r} is not one of: {', '.join(choices)}")


def _non_negative_int(name: str, raw: str) -> int:
    if raw.strip().isdigit():
        return int(raw)
    raise ConfigError(f"{PREFIX}{name}={raw!r} is not a whole number (0 or more)")


def _positive_int(name: str, raw: str) -> int:
    value = _non_negative_int(name, raw)
    if value == 0:
        raise ConfigError(f"{PREFIX}{name} must be at least 1")
    return value


def _server_names(raw: str) -> tuple[str, ...]:
    if not raw.strip():
        return ()
    names = []
    for given in raw.split(","):
        name = host_name(given)
        if name is None:
            raise ConfigError(
                f"{PREFIX}SERVER_NAME: {given.strip()!r} is not a host name: give the names as the address bar shows "
                "them, without scheme or path, separated by commas (profiles.example.org,www.profiles.example.org)")
        names.append(name)
    return tuple(dict.fromkeys(names))


def _domain_settings(env: Mapping[str, str]) -> dict:
    pages_host = None
    if env.get("PAGES_HOST", "").strip():
        pages_host = host_name(env["PAGES_HOST"])
        if pages_host is None:
            raise ConfigError(f"{PREFIX}PAGES_HOST={env['PAGES_HOST']!r} is not a host name: give it as the address "
                              "bar shows it, without scheme or path (pages.example.org)")
        if pages_host in _server_names(env.get("SERVER_NAME", "")):
            raise ConfigError(f"{PREFIX}PAGES_HOST={pages_host} is also in {PREFIX}SERVER_NAME: the content origin "
                              "must be a name of its own, where no session cookie is ever set")
    target = None
    if env.get("DOMAIN_TARGET", "").strip():
        target = host_name(env["DOMAIN_TARGET"])
        if target is None or ":" in target:
            raise ConfigError(f"{PREFIX}DOMAIN_TARGET={env['DOMAIN_TARGET']!r} is not a host name without a port "
                              "(pages.example.org)")
    return {"PAGES_HOST": pages_host, "DOMAIN_TARGET": target,
            "DOMAIN_ADDRESSES": _addresses(env.get("DOMAIN_ADDRESSES", "")),
            "DNS_RESOLVER": _resolver(env.get("DNS_RESOLVER", ""))}


def _addresses(raw: str) -> tuple[str, ...]:
    addresses = []
    for given in filter(None, (part.strip() for part in raw.split(","))):
        try:
            addresses.append(str(ipaddress.ip_address(given)))
        except ValueError:
            raise ConfigError(f"{PREFIX}DOMAIN_ADDRESSES: {given!r} is not an IP address (203.0.113.7 or "
                              "2001:db8::7)") from None
    return tuple(addresses)


def _resolver(raw: str) -> tuple[str, int] | None:
    if not raw.strip():
        return None
    address, _, port = raw.strip().rpartition(":")
    try:
        ipaddress.ip_address(address.strip("[]"))
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(port)
    except ValueError:
        raise ConfigError(f"{PREFIX}DNS_RESOLVER={raw!r} is not an IP address and port (127.0.0.1:53)") from None
    return address.strip("[]"), int(port)


def _redis_url(raw: str | None) -> str | None:
    if not raw:
        return None
    if urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"{PREFIX}REDIS_URL={raw!r} is not a Redis URL: use redis://host:6379/0")
    return raw


# No mail server: each message goes to the log and to a file in instance/mail/ (profilehost.mail.backend).
INSTANCE_FOLDER_MAIL = "profilehost.mail.backend.EmailBackend"
SMTP_SCHEMES = {"smtp": 25, "smtps": 465}


def _mail_settings(env: Mapping[str, str]) -> dict:
    sender = env.get("MAIL_FROM") or "profilehost <no-reply@localhost>"
    if "@" not in parseaddr(sender)[1]:
        raise ConfigError(f"{PREFIX}MAIL_FROM={sender!r} has no address: use 'profilehost <no-reply@example.org>'")
    settings = {
        "MAIL_DEFAULT_SENDER": sender,
        "MAIL_TIMEOUT": _positive_int("SMTP_TIMEOUT", env.get("SMTP_TIMEOUT", "10")),
        "EMAIL_VERIFICATION": _boolean("EMAIL_VERIFICATION", env.get("EMAIL_VERIFICATION", "true")),
        "MAIL_BACKEND": INSTANCE_FOLDER_MAIL,
        "BASE_URL": env.get("BASE_URL", "").strip(),
    }
    if env.get("SMTP_URL"):
        settings.update(_smtp_server(env["SMTP_URL"]))
    return settings


def _smtp_server(raw: str) -> dict:
    url = urlsplit(raw)
    usage = ("use smtp://user:password@host:587?starttls=true (STARTTLS), smtps://user:password@host:465 (TLS) or "
             "smtp://host:25; write a '@' or ':' in the user or password as %40 or %3A")
    try:
        port = url.port or SMTP_SCHEMES.get(url.scheme)
    except ValueError:
        port = None
    if url.scheme not in SMTP_SCHEMES or not url.hostname or port is None:
        raise ConfigError(f"{PREFIX}SMTP_URL is not an SMTP server address: {usage}")
    options = dict(parse_qsl(url.query))
    unknown = set(options) - {"starttls"}
    if unknown:
        raise ConfigError(f"{PREFIX}SMTP_URL has the unknown option {sorted(unknown)[0]!r}: {usage}")
    starttls = _boolean("SMTP_URL's starttls", options.get("starttls", "false"))
    if starttls and url.scheme == "smtps":
        raise ConfigError(f"{PREFIX}SMTP_URL: smtps:// is TLS from the start, so starttls does not apply: {usage}")
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": url.hostname,
        "MAIL_PORT": port,
        "MAIL_USERNAME": unquote(url.username) if url.username else None,
        "MAIL_PASSWORD": unquote(url.password) if url.password else None,
        "MAIL_USE_TLS": starttls,
        "MAIL_USE_SSL": url.scheme == "smtps",
    }
