from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import AppForm


class LoginForm(AppForm):
    username = StringField("Username", validators=[DataRequired()],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(AppForm):
    username = StringField(
        "Username", validators=[DataRequired(), Length(max=32)],
        description="Your address will be /your-name/. 2-32 characters: a-z, 0-9 and hyphens.",
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    email = EmailField("Email", validators=[DataRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired()],
                             description="At least 10 characters.",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    invite_code = StringField("Invite code", validators=[Length(max=64)],
                              description="Registration on this site is by invitation.",
                              render_kw={"autocomplete": "off", "spellcheck": "false"})


class TwoFactorSignInForm(AppForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=40)],
                       description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"})


class TwoFactorEnrolForm(AppForm):
    # A session left open must not be enough to tie the account to someone else's app.
    password = PasswordField("Your password", validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    code = StringField("Code from your app", validators=[DataRequired(), Length(max=40)],
                       description="The 6 digits the app shows for this account, to prove it has the secret.",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"})


class TwoFactorDisableForm(AppForm):
    password = PasswordField("Password", validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    code = StringField("Code", validators=[DataRequired(), Length(max=40)],
                       description="From your authenticator app, or one of your recovery codes.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"})


class NewPasswordForm(AppForm):
    current_password = PasswordField("The password you were given", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("Your new password", validators=[DataRequired()],
                                 description="At least 10 characters.", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(AppForm):
    email = EmailField("Your account's email address", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(AppForm):
    new_password = PasswordField("New password", validators=[DataRequired()], description="At least 10 characters.",
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})


class MailActionForm(AppForm):
    """A button that only needs its CSRF token: resend the confirmation link, stop notices."""


class MailNoticesForm(AppForm):
    mail_notices = BooleanField("Email me notices: approval, restore, unpublished pages")
