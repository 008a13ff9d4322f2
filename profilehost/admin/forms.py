from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import AppForm
from ..models import ReportStatus


class ReasonForm(AppForm):
    reason = TextAreaField("Reason", validators=[Length(max=2000)], render_kw={"rows": 2},
                           description="Shown to the account owner and kept in the audit log.")


class BulkForm(AppForm):
    action = SelectField("Action", choices=[SelectChoice("approve", "Approve"), SelectChoice("suspend", "Suspend"),
                                             SelectChoice("delete", "Delete")])
    reason = StringField("Reason (for suspend and delete)", validators=[Length(max=2000)])


class NoteForm(AppForm):
    note = TextAreaField("Add a note", validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2})


class CloseReportForm(AppForm):
    status = RadioField("Close as", choices=[SelectChoice(ReportStatus.RESOLVED, "Resolved: we took action"),
                                 SelectChoice(ReportStatus.DISMISSED, "Dismissed: no breach found")],
                        default=ReportStatus.RESOLVED)
    outcome = TextAreaField("Outcome shown to the reporter", validators=[Length(max=2000)], render_kw={"rows": 2})


class InviteForm(AppForm):
    max_uses = IntegerField("Uses", default=1, validators=[NumberRange(1, 1000)])
    days = IntegerField("Valid for (days)", default=14, validators=[NumberRange(1, 365)])
    note = StringField("Note (who it is for)", validators=[Optional(), Length(max=200)])


class AppealDecisionForm(AppForm):
    decision = RadioField("Decision", choices=[SelectChoice("accept", "Accept: restore the account"),
                                   SelectChoice("reject", "Reject: keep it suspended")], default="reject")
    response = TextAreaField("Answer to the owner", validators=[Length(max=2000)], render_kw={"rows": 2})
