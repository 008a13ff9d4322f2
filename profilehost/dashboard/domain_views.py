"""The researcher's own domains: add one, see the DNS records it needs, check it now, remove it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..domains import service
from ..domains.names import MAX_NAME, DomainError
from ..extensions import limiter
from ..forms import AppForm
from . import dashboard
from .forms import ActionForm

# Each check asks DNS servers the researcher chooses; the worker checks every domain anyway.
CHECKS = "30 per hour"


class DomainForm(AppForm):
    # Longer than a name may be: an IDN or a pasted URL is read and refused with a message, not cut short.
    name = StringField("Domain", validators=[DataRequired(message="Domain: enter a name such as jane.example.org."),
                                             Length(max=4 * MAX_NAME)],
                       description="A name of yours, such as jane.example.org, or an apex (example.org) and its www "
                                   "added one after the other.",
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"})


@dashboard.route("/domains", methods=["GET", "POST"])
@limiter.limit(CHECKS, methods=["POST"], error_message="You have added many domains in a short time.")
def domains():
    form = DomainForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.refuse_without_names()
            added = service.add_domain(current_user, form.name.data)
        except DomainError as refused:
            form.name.errors.append(refused.message)
            status = refused.status
        else:
            flash(f"{added.name} added: create the records below, then check it.", "success")
            return redirect(url_for("dashboard.domains"))
    elif form.is_submitted():
        status = 422
    return _page(form, status)


@dashboard.post("/domains/<int:domain_id>/check")
@limiter.limit(CHECKS, error_message="You have checked your domains many times in a short time. The site "
                                     "checks them every three hours by itself.")
def check_domain(domain_id: int):
    own = _own(domain_id)
    try:
        service.refuse_without_names()
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("dashboard.domains"))
    domain = service.check_domain(own)
    if domain is None:
        flash("That domain was removed meanwhile.", "info")
    elif domain.verified_at is not None:
        flash(f"{domain.name} is verified: your site is served there.", "success")
    else:
        flash(f"{domain.name} is not verified yet: {domain.problem}", "error")
    return redirect(url_for("dashboard.domains"))


@dashboard.post("/domains/<int:domain_id>/remove")
def remove_domain(domain_id: int):
    domain = _own(domain_id)
    name = domain.name
    service.remove_domain(domain)
    flash(f"{name} removed: your site is no longer served there.", "success")
    return redirect(url_for("dashboard.domains"))


def _own(domain_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return service.owned_domain(current_user, domain_id) or abort(404)


def _page(form: DomainForm, status: int):
    owned = service.tenant_domains(current_user)
    return render_template("dashboard/domains.html", form=form, action_form=ActionForm(), domains=owned,
                           records={domain.id: service.records(domain) for domain in owned},
                           serves_domains=service.serves_domains()), status
