import signal

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _interrupt(signum, frame) -> None:
    """SIGTERM (bin/serve ending, a supervisor) ends the loop as Ctrl-C does: it reports that it stopped."""
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
        parser.add_argument("--max-sessions", type=int, default=None, help="Stop after this many visits.")
        parser.add_argument("--max-nights", type=int, default=None, help="Stop after this many retrainings.")

    def handle(self, *args, visitors, days, seed, epochs, pace, paused, after, max_sessions, max_nights, **options):
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
        self._say("Live traffic: simulated shoppers keep visiting; staff control it at /staff/live-traffic/.")
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            totals = loop.run(max_sessions=max_sessions, max_nights=max_nights)
        except KeyboardInterrupt:
            totals = loop.totals
        self._say(f"Live traffic ended: {totals.sessions} visits, {totals.orders} orders, {totals.nights} retrainings.")

    def _say(self, line: str) -> None:
        self.stdout.write(f"[live traffic] {line}")
        self.stdout.flush()
