from .tools import FrenchTranslationTestMixin

__all__ = ['FrenchTranslationTestMixin']
