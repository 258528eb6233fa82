import signal

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _interrupt(signum, frame) -> None:
    """SIGTERM (bin/serve ending, a supervisor) ends the loop as Ctrl-C does: it reports that it stopped.

    Once: a second SIGTERM (a process group and bin/serve both ending it) then ends the process at once.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Keep simulated shoppers visiting the site while it is served (make run starts this beside the server), "
        "retraining the models every simulated night, so the experiment fills while you watch. Staff start, "
        "stop and pace it at /staff/live-traffic/. Runs until interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=2000, help="Shoppers per population (%(default)s).")
        parser.add_argument("--days", type=float, default=7, help="Simulated days per population (%(default)s).")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=10, help="SASRec epochs each night (%(default)s).")
        parser.add_argument("--pace", type=float, default=None, help="Visits a second at most (kept from before).")
        parser.add_argument(
            "--paused", action="store_true", help="Start paused, whatever staff last chose; the page starts it."
        )
        parser.add_argument("--after", default="", help="Wait until this URL answers (the server is up) first.")
        parser.add_argument(
            "--history",
            action="store_true",
            help="First build the demo's history where it is missing (prepare_demo's steps), then play.",
        )
        parser.add_argument("--max-sessions", type=int, default=None, help="Stop after this many visits.")
        parser.add_argument("--max-nights", type=int, default=None, help="Stop after this many retrainings.")

    def handle(
        self, *args, visitors, days, seed, epochs, pace, paused, after, history, max_sessions, max_nights, **options
    ):
        from django.core.exceptions import ValidationError

        from demo.live.loop import LiveLoop, live_traffic_wait_for_site
        from demo.live.services import live_traffic_start, live_traffic_stop

        try:
            loop = LiveLoop(visitors=visitors, days=days, seed=seed, epochs=epochs, say=self._say)
            if paused:
                live_traffic_stop()
            elif pace is not None:
                live_traffic_start(pace=pace)
        except (ValueError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        if after and not live_traffic_wait_for_site(after):
            raise CommandError(f"{after} did not answer; live traffic not started.")
        signal.signal(signal.SIGTERM, _interrupt)
        if history:
            try:
                self._history(seed=seed)
            except KeyboardInterrupt:
                self._say("Stopped while the history was built; the next make run finishes it.")
                return
        self._say("Live traffic: simulated shoppers keep visiting; staff control it at /staff/live-traffic/.")
        try:
            totals = loop.run(max_sessions=max_sessions, max_nights=max_nights)
        except KeyboardInterrupt:
            totals = loop.totals
        self._say(f"Live traffic ended: {totals.sessions} visits, {totals.orders} orders, {totals.nights} retrainings.")

    def _history(self, *, seed: int) -> None:
        """The demo's history beside the server, at a lower priority, its progress in lines marked [history]."""
        from demo.history.build import demo_history_build
        from demo.history.selectors import demo_history_status
        from demo.live.loop import lower_priority, wal_on_sqlite
        from demo.store.loader import SHOPPER_PASSWORD

        def say(line: str) -> None:
            self.stdout.write(f"[history] {line}")
            self.stdout.flush()

        lower_priority()
        wal_on_sqlite()
        built_before = demo_history_status().done
        if not built_before:
            say("Building the demo's history beside the server: simulated shoppers, trained models, the experiment.")
            say("Until it is done the shop serves without personal lists; staff follow it at /staff/live-traffic/.")
        try:
            built = demo_history_build(seed=seed, bars=False, say=say)
        except Exception as error:  # the shop serves on, and live traffic can still play
            say(f"Stopped: {type(error).__name__}: {error}. The next make run finishes it (or: make demo).")
            return
        if not built_before:
            say(f"Done in {built.seconds / 60:.1f} min. The demo logins now have pages of their own.")
        say(f"Shopper logins (password {SHOPPER_PASSWORD}):")
        for line in built.logins:
            say(f"  {line}")

    def _say(self, line: str) -> None:
        self.stdout.write(f"[live traffic] {line}")
        self.stdout.flush()
