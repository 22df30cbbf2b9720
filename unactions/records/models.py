"""The stored record of UN actions, and the vocabularies and people it refers to.

An `Action` keeps every field of the record schema (docs/record-schema.md). Terms an
editor maintains (mechanisms, governments, issues, regions) and named defenders are rows
of their own, linked through ordered tables so an action lists them in the order its
source gave.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from unactions.formats.record import COMMUNICATION_TYPES


class Body(models.TextChoices):
    SPECIAL_PROCEDURES = "special_procedures", _("Special Procedures")
    TREATY_BODY = "treaty_body", _("Treaty bodies")
    HRC = "hrc", _("Human Rights Council")
    UPR = "upr", _("Universal Periodic Review")
    OHCHR = "ohchr", _("Office of the High Commissioner (OHCHR)")
    UNGA_THIRD_COMMITTEE = "unga_third_committee", _("UN General Assembly Third Committee")
    OTHER = "other", _("Other")


class ActionType(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    PRESS_BRIEFING = "press_briefing", _("Press briefing")
    STATEMENT = "statement", _("Statement")
    ALLEGATION_LETTER = "allegation_letter", _("Allegation letter")
    URGENT_APPEAL = "urgent_appeal", _("Urgent appeal")
    OTHER_LETTER = "other_letter", _("Other letter")
    OPINION = "opinion", _("Opinion (Working Group on Arbitrary Detention)")
    JOINT_STATEMENT = "joint_statement", _("Joint statement by States")
    FOLLOW_UP_REVIEW = "follow_up_review", _("Follow-up review")
    CONCLUDING_OBSERVATIONS = "concluding_observations", _("Concluding observations")
    REPORT = "report", _("Report")
    RESOLUTION = "resolution", _("Resolution")
    UPR_RECOMMENDATION = "upr_recommendation", _("UPR recommendation")
    COUNTRY_VISIT = "country_visit", _("Country visit")
    OTHER = "other", _("Other")


def unique_slug(model: type[models.Model], name: str) -> str:
    """A slug for `name` that no other row of `model` has."""
    base = slugify(name, allow_unicode=True) or model._meta.model_name
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def in_language(name: str, name_zh: str) -> str:
    """A term's or a defender's name as the reader's language has it: the Chinese name
    on the Chinese interface when there is one, else the name."""
    if name_zh and (get_language() or "").startswith("zh"):
        return name_zh
    return name


class Labelled(models.Model):
    """Something with a name, and that name in Chinese for the Chinese interface."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(
        _("name in Chinese"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the Chinese interface; the name is shown when this is empty."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name to show the reader (see `in_language`)."""
        return in_language(self.name, self.name_zh)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)


class Term(Labelled):
    """A term of an editable vocabulary; retired terms stay on old records."""

    retired = models.BooleanField(_("retired"), default=False)

    class Meta(Labelled.Meta):
        abstract = True


class Mechanism(Term):
    """A named UN mechanism: the Working Group on Arbitrary Detention, CERD, ..."""

    body = models.CharField(_("body"), max_length=32, choices=Body.choices)

    class Meta(Term.Meta):
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def get_absolute_url(self) -> str:
        return reverse("public:mechanism", args=[self.slug])


class Government(Term):
    class Meta(Term.Meta):
        verbose_name = _("government")
        verbose_name_plural = _("governments")


class Issue(Term):
    class Meta(Term.Meta):
        verbose_name = _("issue")
        verbose_name_plural = _("issues")


class Region(Term):
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(Term.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "name"]


class Defender(Labelled):
    """A human rights defender named by one or more actions."""

    class Meta(Labelled.Meta):
        verbose_name = _("defender")
        verbose_name_plural = _("defenders")

    def get_absolute_url(self) -> str:
        return reverse("public:defender", args=[self.slug])


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ResponseStatus(models.TextChoices):
    RECEIVED = "received", _("Response received")
    NONE = "none", _("No response recorded")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ActionQuerySet(models.QuerySet):
    def published(self, today: dt.date | None = None) -> ActionQuerySet:
        """What the public may see: published, and past any embargo."""
        today = today or timezone.localdate()
        # "Not embargoed past today" rather than "no embargo or one before today": SQLite
        # would read nearly every action through the embargo index (where almost all are
        # empty) for a query of a few rows, instead of following the date index (1.4 s
        # for the API's newest two at a million actions).
        return self.filter(status=Status.PUBLISHED).exclude(embargo_until__gt=today)

    def embargo_dated(self) -> ActionQuerySet:
        """The actions with an embargo date, past or to come: written as a range of
        dates, which SQLite reads from the embargoes' index, where for "is not null" it
        read every action (0.6 s at a million)."""
        return self.filter(embargo_until__gte=dt.date.min)

    def without_embargo_date(self) -> ActionQuerySet:
        """The actions with no embargo date: the other side of `embargo_dated`'s range,
        as SQLite would read "is null" from the embargoes' index, in which nearly every
        action is null (0.8 s at a million), where this reads another index."""
        return self.exclude(embargo_until__gte=dt.date.min)

    def checked_per_row(self, **values) -> ActionQuerySet:
        """The actions with these column values (a value, or a list of values), each
        action checked for them rather than the actions of a value read from the
        column's index. SQLite, which plans without statistics, prefers an index of the
        column to a more selective one: it would read every action of a body (say) to
        find its few drafts, or half the actions from the index of types to find the
        communications of one month. The unary + keeps it from looking the column up."""
        connection = connections[self.db]
        if connection.vendor != "sqlite":
            return self.filter(
                **{
                    f"{column}__in" if isinstance(value, (list, tuple)) else column: value
                    for column, value in values.items()
                }
            )
        table = connection.ops.quote_name(self.model._meta.db_table)
        checked = self
        for column, value in values.items():
            value = list(value) if isinstance(value, (list, tuple)) else [value]
            checked = checked.filter(
                RawSQL(
                    f"+{table}.{connection.ops.quote_name(column)} "
                    f"IN ({', '.join(['%s'] * len(value))})",
                    value,
                    output_field=models.BooleanField(),
                )
            )
        return checked

    def with_response_status(self) -> ActionQuerySet:
        """Annotate `response_status`: received, none (an unanswered communication) or
        not_applicable (an action no government is asked to answer)."""
        return self.annotate(
            response_status=models.Case(
                models.When(
                    models.Exists(Response.objects.filter(action=models.OuterRef("pk"))),
                    then=models.Value(ResponseStatus.RECEIVED),
                ),
                models.When(
                    action_type__in=COMMUNICATION_TYPES, then=models.Value(ResponseStatus.NONE)
                ),
                default=models.Value(ResponseStatus.NOT_APPLICABLE),
                output_field=models.CharField(),
            )
        )

    def with_record(self) -> ActionQuerySet:
        """Everything the record schema needs, in a fixed number of queries."""
        return self.with_record_joins().prefetch_related(*record_prefetches())

    def with_record_joins(self) -> ActionQuerySet:
        """What the record schema reads in the actions' own query (`with_record` without
        its prefetches, which `record_prefetches` gives)."""
        return self.select_related("mechanism_term", "response")


def record_prefetches() -> list:
    """What `with_record` prefetches: for `prefetch_related_objects` on actions at hand."""
    return [
        models.Prefetch("government_links", ActionGovernment.objects.select_related("government")),
        models.Prefetch("issue_links", ActionIssue.objects.select_related("issue")),
        models.Prefetch("region_links", ActionRegion.objects.select_related("region")),
        models.Prefetch("defender_links", ActionDefender.objects.select_related("defender")),
        "documents",
        "related_sources",
    ]


class Action(models.Model):
    """One thing a UN mechanism did: a letter, a press release, an opinion, a review..."""

    record_id = models.CharField(_("identifier"), max_length=200, unique=True)
    date = models.DateField(_("date"), db_index=True)
    # The date's year, stored so that the year facet counts from an index (SQLite has
    # no native year function: Django's is a Python call per row).
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    date_text = models.CharField(_("date as written"), max_length=200)
    published_date = models.DateField(_("published"), null=True, blank=True)
    body = models.CharField(_("body"), max_length=32, choices=Body.choices)
    mechanism = models.CharField(_("mechanism as written"), max_length=500)
    mechanism_term = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    mandates = models.PositiveSmallIntegerField(_("mandates"), null=True, blank=True)
    experts = models.PositiveSmallIntegerField(_("experts"), null=True, blank=True)
    action_type = models.CharField(_("action type"), max_length=32, choices=ActionType.choices)
    action = models.CharField(_("action as written"), max_length=500)
    joint = models.BooleanField(_("joint"), default=False)
    summary = models.TextField(_("summary"))
    summary_zh = models.TextField(
        _("summary in Chinese"), blank=True, help_text=_("Shown on the Chinese interface.")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    communication_refs = models.JSONField(_("communication references"), default=list, blank=True)

    governments = models.ManyToManyField(Government, through="ActionGovernment", blank=True)
    issues = models.ManyToManyField(Issue, through="ActionIssue", blank=True)
    regions = models.ManyToManyField(Region, through="ActionRegion", blank=True)
    defenders = models.ManyToManyField(
        Defender, through="ActionDefender", blank=True, related_name="actions"
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    embargo_until = models.DateField(
        _("embargoed until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Hidden from the public until this day, whatever its status."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Incremented by every save, so that an editor saving a form opened before someone
    # else's save gets a conflict instead of overwriting it (see records/history.py).
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Folded text of every searchable field (see records/search.py), kept by the loader
    # and the admin; the full-text indexes of both databases are built on it.
    search_document = models.TextField(editable=False, default="")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        # The list's order, newest first, read from an index instead of sorted per
        # request: over all actions, and within a body, a type or a year; and the
        # drafts, which the admin's filter took 6 s to find among a million actions (an
        # index of every status led SQLite to read the public actions through it: the
        # list took 7 s).
        indexes = [
            models.Index(fields=["-date", "id"], name="records_action_newest"),
            models.Index(fields=["body", "-date", "id"], name="records_action_body_newest"),
            models.Index(fields=["action_type", "-date", "id"], name="records_action_type_newest"),
            models.Index(fields=["year", "-date", "id"], name="records_action_year_newest"),
            models.Index(
                fields=["-date", "id"],
                condition=models.Q(status="draft"),
                name="records_action_drafts_newest",
            ),
        ]
        permissions = [("recover_action", _("Can recover deleted actions"))]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.action}"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:action", args=[self.record_id])

    @property
    def is_communication(self) -> bool:
        return self.action_type in COMMUNICATION_TYPES

    # The ordered lists of the record, read from prefetched links.
    def government_names(self) -> list[str]:
        return [link.government.name for link in self.government_links.all()]

    def issue_names(self) -> list[str]:
        return [link.issue.name for link in self.issue_links.all()]

    def region_names(self) -> list[str]:
        return [link.region.name for link in self.region_links.all()]

    def defender_list(self) -> list[Defender]:
        return [link.defender for link in self.defender_links.all()]

    @property
    def publication_state(self) -> str:
        if self.status == Status.DRAFT:
            return str(_("Draft"))
        if self.embargo_until and self.embargo_until > timezone.localdate():
            return str(_("Embargoed until %(date)s")) % {"date": self.embargo_until.isoformat()}
        return str(_("Published"))

    def response_or_none(self) -> Response | None:
        try:
            return self.response
        except Response.DoesNotExist:
            return None


class _Link(models.Model):
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]


class ActionGovernment(_Link):
    # Looked up through the unique (action, term) index: no index of its own.
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="government_links", db_index=False
    )
    government = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="action_links"
    )

    class Meta(_Link.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["action", "government"], name="unique_action_government"
            )
        ]


class ActionIssue(_Link):
    # Looked up through the unique (action, term) index: no index of its own.
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="issue_links", db_index=False
    )
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="action_links")

    class Meta(_Link.Meta):
        constraints = [
            models.UniqueConstraint(fields=["action", "issue"], name="unique_action_issue")
        ]


class ActionRegion(_Link):
    # Looked up through the unique (action, term) index: no index of its own.
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="region_links", db_index=False
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="action_links")

    class Meta(_Link.Meta):
        constraints = [
            models.UniqueConstraint(fields=["action", "region"], name="unique_action_region")
        ]


class ActionDefender(_Link):
    # Looked up through the unique (action, term) index: no index of its own.
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="defender_links", db_index=False
    )
    defender = models.ForeignKey(Defender, on_delete=models.PROTECT, related_name="action_links")

    class Meta(_Link.Meta):
        constraints = [
            models.UniqueConstraint(fields=["action", "defender"], name="unique_action_defender")
        ]


class Document(models.Model):
    """A text of the action: the communication itself, or a language version."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("label"), max_length=200)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    url = models.URLField(_("link"), max_length=1000, null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """The government's response to an action."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="response")
    text = models.TextField(_("response"))
    date = models.DateField(_("received on"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        verbose_name = _("government response")
        verbose_name_plural = _("government responses")

    def __str__(self) -> str:
        return self.text


class RelatedSource(models.Model):
    """A source about the same case: an NGO's urgent appeal, statement or op-ed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="related_sources")
    position = models.PositiveSmallIntegerField(default=0)
    publisher = models.CharField(_("publisher"), max_length=200, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=100, null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    outlet = models.CharField(_("outlet"), max_length=200, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=1000, null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("related source")
        verbose_name_plural = _("related sources")

    def __str__(self) -> str:
        return self.title


class FullTextField(models.TextField):
    """The text column of SQLite's FTS5 table, which answers `__match` lookups."""


@FullTextField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class ActionSearchEntry(models.Model):
    """A row of SQLite's full-text index of actions (see records/search.py).

    The FTS5 table is created after migrations, on SQLite only; this model exists so
    that queries can join it and rank by it.
    """

    action = models.OneToOneField(
        Action,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    search_document = FullTextField()

    class Meta:
        managed = False
        db_table = "records_action_search"


class ActionVersion(models.Model):
    """An action as it was after one change: who made it, when, and the whole record.

    `data` is the record (docs/record-schema.md) with the editorial fields the schema
    leaves out (status, embargo, Chinese summary), so any two versions can be compared
    and any version restored, even after the action was deleted.

    The first version of an action the loader created has no `data` (None) for as long
    as the action is as that load left it: its data is the action itself, and a load
    does not write every action twice (`history.data_of` reads either). Whatever
    changes or deletes an action writes that data out first (`history.keep`).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        REVERTED = "reverted", _("reverted")
        DELETED = "deleted", _("deleted")
        RECOVERED = "recovered", _("recovered")

    record_id = models.CharField(_("identifier"), max_length=200, db_index=True)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.CharField(_("by"), max_length=150, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    data = models.JSONField(null=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        indexes = [
            # The deleted actions, newest first, for their recovery: found among a
            # million versions by reading them all (0.8 s) without it.
            models.Index(
                fields=["-created", "-id"],
                condition=models.Q(kind="deleted"),
                name="records_version_deleted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} #{self.number} ({self.kind})"


class ActionTally(models.Model):
    """How many public actions share a body, type, month, mechanism and reply state.

    Kept by database triggers (records/tallies.py) in the same transaction as every
    change, so facet counts and statistics over all public actions read a few thousand
    rows instead of every action. Counts only actions that are published with no embargo
    date; those with a past embargo are counted live.
    """

    body = models.CharField(max_length=32)
    action_type = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    mechanism_id = models.BigIntegerField()
    responded = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "action_type", "year", "month", "mechanism_id", "responded"],
                name="unique_action_tally",
            )
        ]


class TermTally(models.Model):
    """How many public actions link a term (issue, region, government, defender), by
    body and action type; the row with an empty body and type counts them all."""

    kind = models.CharField(max_length=16)
    term_id = models.BigIntegerField()
    body = models.CharField(max_length=32)
    action_type = models.CharField(max_length=32)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "body", "action_type", "term_id"], name="unique_term_tally"
            )
        ]
        # A facet's most frequent terms, without counting tens of thousands of defenders.
        indexes = [
            models.Index(fields=["kind", "body", "action_type", "-n"], name="records_termtally_top")
        ]


class ReplyTally(models.Model):
    """How many public actions addressed to a government got a response, by body, type
    and days taken (`dated` false: a response with no date), so the statistics page's
    reply figures and median need no scan either."""

    government_id = models.BigIntegerField()
    body = models.CharField(max_length=32)
    action_type = models.CharField(max_length=32)
    dated = models.BooleanField()
    days = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government_id", "body", "action_type", "dated", "days"],
                name="unique_reply_tally",
            )
        ]


class ActionChange(models.Model):
    """An action whose facet values or indexed text changed, logged by the tallies'
    triggers for the facet index of searches (records/facetindex.py), which reads what
    it has not seen. No action: everything may have changed (a large load). `token` is
    random, so that an entry rolled back and numbered again is told apart. On
    PostgreSQL, `xid` is the writing transaction's id: transactions commit out of their
    entries' order there, and the index finds those it has not seen by it."""

    seq = models.BigAutoField(primary_key=True)
    action_id = models.BigIntegerField(null=True)
    token = models.BigIntegerField()
    xid = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["xid"],
                name="records_actionchange_xid",
                condition=models.Q(xid__isnull=False),  # PostgreSQL's entries alone
            )
        ]
