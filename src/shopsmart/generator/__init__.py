"""Synthetic ShopSmart data: five raw tables with personas, sessions and dirty data.

Entry points: the ``shopsmart-generate`` command (:mod:`.cli`) and
:func:`generate`.  Reference constants for other components: :data:`COUNTRIES`
(every location the generator can emit), :data:`CURRENCIES`,
:data:`COUNTRY_CURRENCY`, :data:`PRODUCTS`, :data:`PERSONA_NAMES`,
:data:`DEFECT_KINDS` and :data:`TABLE_COLUMNS`.
"""

from .catalog import COUNTRIES, COUNTRY_CURRENCY, CURRENCIES, EVENT_TYPES, ORDER_STATUSES, PRODUCTS
from .defects import DEFECT_KINDS, MANIFEST_COLUMNS
from .personas import PERSONA_NAMES, PERSONAS
from .pipeline import MANIFEST_FILE, PERSONAS_FILE, GenerationSummary, GeneratorConfig, generate
from .render import TABLE_COLUMNS, TABLE_KEYS, TABLES

__all__ = [
    "COUNTRIES", "COUNTRY_CURRENCY", "CURRENCIES", "DEFECT_KINDS", "EVENT_TYPES", "MANIFEST_COLUMNS",
    "MANIFEST_FILE", "ORDER_STATUSES", "PERSONAS", "PERSONAS_FILE", "PERSONA_NAMES", "PRODUCTS",
    "TABLES", "TABLE_COLUMNS", "TABLE_KEYS", "GenerationSummary", "GeneratorConfig", "generate",
]
