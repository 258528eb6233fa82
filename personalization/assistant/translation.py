"""The FAQ in every language of settings.LANGUAGES: `question_en`, `question_zh_hans`, ... (as shop/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from personalization.assistant.models import FaqEntry


@register(FaqEntry)
class FaqEntryTranslationOptions(TranslationOptions):
    fields = ("question", "answer", "keywords")
