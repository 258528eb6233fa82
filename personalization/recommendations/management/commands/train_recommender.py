from django.core.management.base import BaseCommand, CommandError

from personalization.recommendations.models import ModelVersion
from personalization.recsys.data import DataError


class Command(BaseCommand):
    help = "Train a recommender from recorded behaviour, register it, and promote it if it beats the champion."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=[*ModelVersion.Kind.values, "all"], default="sasrec")
        parser.add_argument("--epochs", type=int, default=None)
        parser.add_argument("--device", default=None, help="auto (default), cpu or cuda")
        parser.add_argument("--sync", action="store_true", help="Train in this process instead of on a worker.")

    def handle(self, *args, model, epochs, device, sync, **options):
        from personalization.recommendations.tasks import train_recommender

        kinds = ModelVersion.Kind.values if model == "all" else [model]
        for kind in kinds:
            if not sync:
                result = train_recommender.apply_async(kwargs={"kind": kind, "epochs": epochs, "device": device})
                self.stdout.write(f"Queued {kind} training as task {result.id} on the 'training' queue.")
                continue
            self._train_here(kind, epochs, device)

    def _train_here(self, kind, epochs, device):
        from tqdm import tqdm

        from personalization.recommendations.training import model_version_train

        bar = tqdm(desc=f"{kind}", unit="epoch", disable=kind != ModelVersion.Kind.SASREC)

        def progress(state):
            bar.total = state.get("of")
            bar.set_postfix({k: v for k, v in state.items() if k not in {"epoch", "of"}})
            bar.update(state["epoch"] - bar.n)

        try:
            version = model_version_train(kind=kind, epochs=epochs, device=device, on_progress=progress)
        except DataError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in version.metrics.items() if k in {"HR@10", "NDCG@10", "MRR"})
        self.stdout.write(self.style.SUCCESS(f"{kind} v{version.pk} on {version.device}: {metrics}"))
        self.stdout.write(f"  {version.decision}")
