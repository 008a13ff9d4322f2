"""Whether an address gets optional notices: the owner's dashboard switch, or the unsubscribe link of a message."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import User
from .models import MailSuppression


def stop_optional_mail(address: str) -> None:
    """No more optional mail to `address`: the account's switch if it is an account's address, else the list of
    addresses without an account (a reporter's)."""
    account = db.session.scalar(select(User).where(User.email == address))
    if account is not None:
        account.mail_notices = False
    elif db.session.scalar(select(MailSuppression.id).where(MailSuppression.address == address)) is None:
        db.session.add(MailSuppression(address=address))
    db.session.commit()


def set_mail_notices(user: User, wanted: bool) -> None:
    user.mail_notices = wanted
    db.session.commit()
