import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import Action, CriterionTag, FrameworkCriterion, Post, RagStatus, Source, Update


class _ChoicesInOneQuery(django_filters.fields.ModelChoiceIterator):
    """The options with one ordinary query. Django reads a model choice field's options with
    ``QuerySet.iterator()``, which on PostgreSQL opens a server-side cursor: four round trips to
    the database (declare, fetch, fetch, close) for a list of a few dozen options."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _ModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ChoicesInOneQuery


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _ModelChoiceField


class ActionFilter(django_filters.FilterSet):
    """The action table's filters. Every value is a GET parameter, so a filtered view is a URL
    that can be bookmarked and shared."""

    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Words in the number, action, measures or notes"))
    theme = ModelChoiceFilter(queryset=None, empty_label=_("All themes"))
    lead = ModelChoiceFilter(
        label=_("Lead"), field_name="lead_posts", queryset=None, empty_label=_("All leads")
    )
    lead_agency = django_filters.ChoiceFilter(label=_("Lead agency"), empty_label=_("All agencies"))
    status = ModelChoiceFilter(
        label=_("Status"), field_name="current_status", queryset=None, empty_label=_("All statuses"),
        null_label=_("No update yet"), null_value="none",
    )
    source = ModelChoiceFilter(
        label=_("Source"), field_name="recommendations__source", queryset=None,
        empty_label=_("All sources"), distinct=True,
    )
    criterion = ModelChoiceFilter(
        label=_("Framework criterion"), field_name="recommendations__criterion_tags__criterion", queryset=None,
        empty_label=_("All criteria"), distinct=True,
        help_text=_("The criteria the plan’s recommendations are tagged with"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    missing = django_filters.BooleanFilter(
        label=_("Missing this period’s update only"), method="filter_missing",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields = ["q", "theme", "lead", "lead_agency", "status", "source", "criterion", "overdue", "missing"]

    def __init__(self, *args, plan, as_of, **kwargs):
        self.plan = plan
        self.as_of = as_of
        super().__init__(*args, **kwargs)
        filters = self.filters
        filters["theme"].queryset = plan.themes.order_by("position")
        filters["lead"].queryset = Post.objects.filter(actions__plan=plan).distinct().order_by("title")
        filters["status"].queryset = RagStatus.objects.filter(scheme_id=plan.rag_scheme_id)
        filters["source"].queryset = Source.objects.filter(plan=plan).order_by("key")
        # Only the criteria the plan uses, so the list is short and every option finds something.
        filters["criterion"].queryset = FrameworkCriterion.objects.filter(
            pk__in=CriterionTag.objects.filter(recommendation__source__plan=plan).values("criterion_id"),
        ).select_related("framework").order_by("framework__title", "-framework__published", "position")
        agencies = (
            Action.objects.filter(plan=plan).exclude(lead_agency="")
            .values_list("lead_agency", flat=True).distinct().order_by("lead_agency")
        )
        filters["lead_agency"].extra["choices"] = [(a, a) for a in agencies]
        self.form.fields["status"].label_from_instance = lambda status: status.label
        # Every filter is optional by nature: saying so on each label is noise.
        self.form.hide_optional = True

    def search(self, queryset, name, value):
        words = value.split()[:10]
        for word in words:
            notes = Update.objects.filter(action=OuterRef("pk"), note__icontains=word)
            queryset = queryset.filter(
                Q(number__icontains=word) | Q(description__icontains=word)
                | Q(measures__icontains=word) | Q(lead_agency__icontains=word)
                | Q(timescale__icontains=word) | Exists(notes)
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_missing(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(has_update_in_period=False).exclude(current_status__is_complete=True)
