from wtforms import EmailField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import AppForm
from ..services import reports
from ..services.reports import CATEGORIES

NOT_A_PROFILE = "This address is not a profile on this site. Copy the page's address again."


class ReportForm(AppForm):
    url = StringField("Address of the page", validators=[DataRequired(), Length(max=600)])
    category = RadioField("What is wrong with it?", validators=[DataRequired()],
                          choices=[SelectChoice(value, label) for value, label in CATEGORIES])
    message = TextAreaField("Details (optional)", validators=[Optional(), Length(max=5000)], render_kw={"rows": 5})
    contact_email = EmailField("Your email (optional)", validators=[Optional(), Length(max=254)],
                               description="Only the administrators see it, to ask you questions if needed.",
                               render_kw={"autocomplete": "email"})
    # Hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField("Leave this field empty", render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_url(self, field: StringField) -> None:
        tenant = reports.reported_tenant(field.data)
        # A pending, suspended or deleted account is refused as a name nobody has: the answer must not tell
        # whether it exists.
        if tenant is None or not tenant.is_public:
            raise ValidationError(NOT_A_PROFILE)
