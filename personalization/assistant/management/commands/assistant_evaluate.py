"""Scores the offline assistant on its test set: intent accuracy, constraint exact match, task success."""

from django.core.management.base import BaseCommand

from personalization.assistant.evaluation.runner import TESTSET, evaluate


class Command(BaseCommand):
    help = "Run the assistant's test set (needs the demo store) and print intent accuracy, constraints, success."

    def add_arguments(self, parser):
        parser.add_argument("--testset", default=str(TESTSET), help="A test set JSON file (default: the shipped one).")
        parser.add_argument("--failures", action="store_true", help="List every turn that was not a success.")

    def handle(self, *args, testset: str, failures: bool, **options):
        from pathlib import Path

        report = evaluate(path=Path(testset))
        self.stdout.write(f"turns: {len(report.turns)}")
        rows = [("all", report.turns), *report.by_language().items()]
        self.stdout.write(f"{'':10}{'turns':>7}{'intent':>9}{'constraints':>13}{'success':>9}{'facts':>8}")
        for name, turns in rows:
            self.stdout.write(
                f"{name:10}{len(turns):>7}{report.share('intent_ok', turns):>9.1%}"
                f"{report.share('constraints_ok', turns):>13.1%}{report.share('success', turns):>9.1%}"
                f"{report.share('facts_ok', turns):>8.1%}"
            )
        seconds = sorted(t.seconds for t in report.turns)
        self.stdout.write(f"reply time p50 {1000 * seconds[len(seconds) // 2]:.1f} ms (after the first turn's warm-up)")
        if failures:
            for turn in report.turns:
                if turn.success:
                    continue
                self.stdout.write(
                    f"- [{turn.language}] {turn.message!r}: intent {turn.reply.intent} (expected "
                    f"{turn.expected['intent']}), outcome {turn.reply.outcome} (expected {turn.expected['outcome']}), "
                    f"constraints {turn.reply.constraints} (expected {turn.expected['constraints']}) "
                    f"{'; '.join(turn.problems)}"
                )
