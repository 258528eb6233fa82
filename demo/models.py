from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveTraffic(models.Model):
    """The demo's live traffic, one row: what staff asked for, and what the playing process last reported.

    Staff write `running` and `pace` (through `demo.live.services`); the process that plays the traffic
    (`manage.py demo_live_traffic`, started by `make run`) reads them between visits and writes the rest.
    """

    class State(models.TextChoices):
        PLAYING = "playing", _("Playing visits")
        TRAINING = "training", _("Retraining the models (a simulated night)")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Process stopped")

    running = models.BooleanField(_("running"), default=True, help_text=_("Whether staff want traffic played."))
    pace = models.FloatField(_("pace"), default=4.0, help_text=_("Simulated visits a second, at most."))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.STOPPED)
    process_id = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last report"), null=True, blank=True)
    started_at = models.DateTimeField(_("process started at"), null=True, blank=True)
    # A population of simulated shoppers lives through `days` simulated days; then a new one comes.
    generation = models.PositiveIntegerField(_("population"), default=0)
    simulated_day = models.FloatField(_("simulated day"), default=0.0)
    sessions = models.PositiveIntegerField(_("visits played"), default=0)
    orders = models.PositiveIntegerField(_("orders placed"), default=0)
    nights = models.PositiveIntegerField(_("retrainings"), default=0)
    last_retrain = models.CharField(_("last retraining"), max_length=300, blank=True)
    message = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("live traffic")
        verbose_name_plural = _("live traffic")

    def __str__(self) -> str:
        return f"Live traffic: {self.state}, {self.sessions} visits"


class DemoHistory(models.Model):
    """The demo's history, one row: how far the process that builds it has got (staff see it on the console).

    `make run` serves as soon as the catalogue is loaded and builds the history beside the server
    (simulated shoppers through the real site, trained models, the ranker experiment, the demo logins'
    own visits and orders); `manage.py prepare_demo` builds it in the foreground. The building process
    writes every field; nobody else does.
    """

    class State(models.TextChoices):
        BUILDING = "building", _("Being built")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped before the end")

    class Step(models.TextChoices):
        CAMPAIGNS = "campaigns", _("Campaigns and vouchers")
        WARM_UP = "warm-up", _("Simulated shoppers before the experiment")
        TRAINING = "training", _("Training the models")
        EXPERIMENT = "experiment", _("Simulated shoppers in the ranker experiment")
        PERSONAS = "personas", _("The demo logins' own visits and orders")
        DONE = "done", _("Done")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BUILDING)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.CAMPAIGNS)
    # Visits of the step played so far, of how many (0 of 0 for a step without visits).
    done = models.PositiveIntegerField(_("visits played"), default=0)
    total = models.PositiveIntegerField(_("visits in the step"), default=0)
    process_id = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last report"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("demo history")
        verbose_name_plural = _("demo history")

    def __str__(self) -> str:
        return f"Demo history: {self.state}, {self.step}"
