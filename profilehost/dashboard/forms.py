from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, ValidationError

from ..forms import AppForm
from ..limits import MAX_UPLOAD_FILES
from ..models import ACCOUNT_RESTORE_WINDOW
from ..services.site_import import MAX_NAVIGATION_ENTRIES as MAX_MENU_ENTRIES
from ..services.sites import LINK_KINDS


class ActionForm(AppForm):
    """A button that changes something: only the CSRF token travels."""


def at_most_upload_files(_form, field) -> None:
    if len(field.data or []) > MAX_UPLOAD_FILES:
        raise ValidationError(f"{len(field.data)} files chosen; at most {MAX_UPLOAD_FILES} can be uploaded at once. "
                              "Upload them in parts, or upload your whole site as a ZIP under Import.")


class UploadForm(AppForm):
    files = MultipleFileField(
        "Markdown pages, _config.yml or navigation.yml",
        validators=[FileRequired("Choose at least one file."), at_most_upload_files],
        description="One or more .md files with YAML front matter (like _pages/about.md), and optionally your "
                    "academicpages _config.yml to fill in your profile and _data/navigation.yml for your menu.",
        render_kw={"accept": ".md,.markdown,.yml,.yaml,text/markdown", "multiple": True},
    )


class ImportForm(AppForm):
    archive = FileField(
        "Your site as a ZIP", validators=[FileRequired("Choose the ZIP of your site.")],
        description="The ZIP of an academicpages repository, as GitHub's Code > Download ZIP makes it, or a ZIP "
                    "exported from profilehost. Up to 64 MiB.",
        render_kw={"accept": ".zip,application/zip"},
    )


class EditForm(AppForm):
    source = TextAreaField("Page source (Markdown with front matter)", validators=[DataRequired()],
                           render_kw={"spellcheck": "true", "rows": 24})
    base_revision = HiddenField()


class AssetUploadForm(AppForm):
    files = MultipleFileField("Images and PDFs", validators=[FileRequired("Choose at least one file.")],
                              description="PNG, JPEG, GIF, WebP or PDF, up to 10 MiB each.",
                              render_kw={"accept": ".png,.jpg,.jpeg,.gif,.webp,.pdf", "multiple": True})


class ProfileForm(AppForm):
    display_name = StringField("Name", validators=[Length(max=120)], render_kw={"autocomplete": "name"})
    pronouns = StringField("Pronouns", validators=[Length(max=40)])
    bio = TextAreaField("Short bio", validators=[Length(max=1000)], render_kw={"rows": 3})
    location = StringField("Location", validators=[Length(max=120)])
    employer = StringField("Employer or affiliation", validators=[Length(max=200)],
                           render_kw={"autocomplete": "organization"})
    avatar = StringField("Avatar", validators=[Length(max=255)],
                         description="The name of an uploaded image (like profile.png) or an https:// URL.")
    locale = StringField("Language", validators=[Length(max=100)],
                         description="Your site's language as a BCP 47 tag, like en-US, de or ar (right to left). "
                                     "Empty: the locale of your _config.yml, else English.")


def _link_field(kind: str, label: str) -> StringField:
    hints = {"email": "Shown as a mailto: link.", "orcid": "Your iD, like 0000-0002-1825-0097.",
             "mastodon": "Like @you@mastodon.social or a URL.", "github": "A user name or a URL."}
    return StringField(label, validators=[Optional(), Length(max=300)], description=hints.get(kind, "A URL."))


for _kind, _label in LINK_KINDS:
    setattr(ProfileForm, f"link_{_kind}", _link_field(_kind, _label))


class EmailChangeForm(AppForm):
    email = EmailField("New email", validators=[DataRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField("Current password", validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(AppForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[DataRequired()],
                                 description="At least 10 characters. Your other sessions will be logged out.",
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})


class DeleteAccountForm(AppForm):
    password = PasswordField("Current password", validators=[DataRequired()],
                             description=f"Your site goes offline at once. You can cancel within "
                                         f"{ACCOUNT_RESTORE_WINDOW.days} days by logging in again; after that "
                                         "everything is deleted for good.",
                             render_kw={"autocomplete": "current-password"})


class AppealForm(AppForm):
    message = TextAreaField("Your appeal", validators=[DataRequired(), Length(max=5000)],
                            description="Explain why the suspension should be lifted. You can send one appeal.",
                            render_kw={"rows": 6})


class TokenForm(AppForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)],
                       description="What will use it, like 'GitHub Actions'. You can revoke it at any time.")


class SiteFileUploadForm(AppForm):
    file = FileField("Site file", validators=[FileRequired("Choose a file.")],
                     description="Your _config.yml, a data file (.yml, .yaml, .json or .csv), an include or a layout "
                                 "(.html). "
                                 "Up to 1 MiB.",
                     render_kw={"accept": ".yml,.yaml,.json,.csv,.html"})
    path = StringField("Path in your site", validators=[Optional(), Length(max=200)],
                       description="Leave it empty to use the file's name: cv.yml goes to _data/cv.yml, toc.html to "
                                   "_includes/toc.html, and _config.yml stays _config.yml. A layout of your own goes "
                                   "to _layouts/, like _layouts/book.html.",
                       render_kw={"placeholder": "_data/cv.yml", "spellcheck": "false", "autocapitalize": "off"})


class SiteFileEditForm(AppForm):
    text = TextAreaField("Contents", validators=[DataRequired("Write the file, or delete it instead.")],
                         render_kw={"spellcheck": "false", "rows": 24})
    base_version = HiddenField()


class MenuEntryForm(Form):
    """One line of the menu editor (its CSRF token is the editor's)."""

    title = StringField("Label", validators=[Length(max=120)])
    target = SelectField("Leads to", choices=[], validate_choice=False)
    url = StringField("Address elsewhere", validators=[Length(max=500)],
                      render_kw={"spellcheck": "false", "autocapitalize": "off", "inputmode": "url"})
    position = IntegerField("Position", validators=[Optional(), NumberRange(min=1, max=999)],
                            render_kw={"inputmode": "numeric"})
    remove = BooleanField("Remove")


class MenuForm(AppForm):
    entries = FieldList(FormField(MenuEntryForm), min_entries=0, max_entries=MAX_MENU_ENTRIES + 1)
    base_version = HiddenField()
