"""The municipality a site serves: its name, its NIS code, its main
organisation and how its portal and catalogue present it.

Nothing in the code or the templates names a municipality: every page,
e-mail, report and catalogue reads who the local authority is from this
record, which `mons update` loads from the site's reference folder."""
import re

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .enterprise import TYPES as ENTERPRISE_TYPES

COLOUR = re.compile(r'^#[0-9A-Fa-f]{6}$')
DEFAULT_COLOUR = '#a3122b'
DEFAULT_COLOUR_DARK = '#1b3a6b'


class Municipality(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'mons.municipality'

    name = fields.Char("Municipality",
        help="The municipality's name, as in \"the territory of …\".")
    nis = fields.Char("NIS Code", strip=True,
        help="Statistical code (Statbel) of the municipality: its "
        "administrative unit in the open-data catalogue.")
    organisation = fields.Many2One('company.company', "Main Organisation",
        ondelete='RESTRICT',
        help="The local authority that publishes the portal and the "
        "catalogue; its address and phone are shown on every page.")
    portal_name = fields.Char("Portal Name")
    colour = fields.Char("Main Colour",
        help="Colour of the portal's accents, as #RRGGBB.")
    colour_dark = fields.Char("Dark Colour",
        help="Colour of the portal's header and titles, as #RRGGBB.")
    catalogue_title = fields.Char("Open Data Catalogue Title")
    # Read by every page and every catalogue entry: kept a minute (an
    # organisation's new address or phone shows within it), dropped at
    # once when the municipality itself changes
    _identity_cache = Cache('mons.municipality.identity', duration=60,
        context=False)

    @classmethod
    def default_portal_name(cls):
        return "Portail citoyen"

    @classmethod
    def default_colour(cls):
        return DEFAULT_COLOUR

    @classmethod
    def default_colour_dark(cls):
        return DEFAULT_COLOUR_DARK

    @classmethod
    def validate_fields(cls, records, field_names):
        # Colours go into the portal's style sheet: nothing else may
        super().validate_fields(records, field_names)
        for record in records:
            for name in ('colour', 'colour_dark'):
                value = getattr(record, name)
                if value and not COLOUR.match(value):
                    raise ValidationError(gettext(
                            'mons_base.msg_municipality_colour',
                            field=getattr(cls, name).string, value=value))

    @classmethod
    def create(cls, vlist):
        cls._identity_cache.clear()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._identity_cache.clear()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        cls._identity_cache.clear()

    @classmethod
    def identity(cls):
        """Who the local authority is, as the portal, the e-mails and the
        catalogues show it: a dict of plain values (public information,
        read whoever asks)"""
        identity = cls._identity_cache.get(None)
        if identity is None:
            identity = cls._identity()
            cls._identity_cache.set(None, identity)
        # the cache keeps it frozen (tuples, read-only mapping)
        return dict(identity)

    @classmethod
    def _identity(cls):
        pool = Pool()
        Company = pool.get('company.company')
        with without_check_access():
            record = cls.get_singleton()
            companies = Company.search([], order=[('id', 'ASC')])
            main = (record.organisation if record and record.organisation
                else (companies[0] if companies else None))
            others = [c for c in companies if c != main]
            identity = {
                'name': (record.name if record else '') or '',
                'nis': (record.nis if record else '') or '',
                'portal_name': (record.portal_name if record else '')
                or cls.default_portal_name(),
                'colour': (record.colour if record else '')
                or DEFAULT_COLOUR,
                'colour_dark': (record.colour_dark if record else '')
                or DEFAULT_COLOUR_DARK,
                'organisation_id': main.id if main else None,
                'logo': bool(main and main.logo),
                }
            identity.update(_party_identity(main.party if main else None))
            if not identity['name']:
                identity['name'] = identity['city']
            names = [identity['authority']] + [c.party.name for c in others]
            identity['organisations'] = [n for n in names if n]
            identity['organisations_text'] = _join(identity['organisations'])
            identity.update(_territory(pool, identity['name']))
            identity['catalogue_title'] = (
                (record.catalogue_title if record else '')
                or f"Données ouvertes — {identity['authority']}")
        return identity


def _party_identity(party):
    values = dict.fromkeys(['authority', 'street', 'postal_code', 'city',
            'address', 'phone', 'phone_uri', 'email', 'website',
            'enterprise'], '')
    if not party:
        return values
    values['authority'] = party.name or ''
    address = party.address_get() if hasattr(party, 'address_get') else None
    if address:
        values['street'] = (address.street or '').replace('\n', ', ')
        values['postal_code'] = address.postal_code or ''
        values['city'] = address.city or ''
        values['address'] = ', '.join(filter(None, [values['street'],
                    ' '.join(filter(None, [values['postal_code'],
                                values['city']]))]))
    for mechanism in party.contact_mechanisms:
        key = {'phone': 'phone', 'email': 'email', 'website': 'website'
            }.get(mechanism.type)
        if key and not values[key]:
            values[key] = mechanism.value or ''
            if key == 'phone':
                values['phone_uri'] = mechanism.value_compact or ''
    for identifier in party.identifiers:
        if identifier.type in ENTERPRISE_TYPES:
            values['enterprise'] = identifier.code or ''
            break
    return values


def _territory(pool, name):
    """centre (latitude, longitude) and bbox (min lon, min lat, max lon,
    max lat, WGS 84) of the territory, from its sections' centres: the
    section bearing the municipality's name is its centre"""
    Section = pool.get('mons.section')
    points = [(s.latitude, s.longitude, s.name) for s in Section.search([])
        if s.latitude is not None and s.longitude is not None]
    if not points:
        return {'centre': None, 'bbox': None}
    centre = next(((lat, lon) for lat, lon, n in points if n == name),
        (sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points)))
    # sections are given by their centres: the territory reaches beyond
    margin = 0.04
    return {
        'centre': centre,
        'bbox': (round(min(p[1] for p in points) - margin, 4),
            round(min(p[0] for p in points) - margin, 4),
            round(max(p[1] for p in points) + margin, 4),
            round(max(p[0] for p in points) + margin, 4)),
        }


def _join(names):
    "'A', 'A et B', 'A, B et C'"
    if len(names) < 2:
        return ''.join(names)
    return ', '.join(names[:-1]) + ' et ' + names[-1]


def identity():
    """The municipality's identity in the current transaction's database
    (outside one, or before mons_base is activated: empty values)"""
    from trytond.transaction import Transaction
    transaction = Transaction()
    if transaction.database is not None:
        try:
            Municipality = Pool().get('mons.municipality')
        except KeyError:
            pass
        else:
            return Municipality.identity()
    return empty_identity()


def empty_identity():
    "The identity's keys, empty: what a page shows when no database tells"
    values = _party_identity(None)
    values.update(name='', nis='', portal_name="Portail citoyen",
        colour=DEFAULT_COLOUR, colour_dark=DEFAULT_COLOUR_DARK,
        organisation_id=None, logo=False, organisations=[],
        centre=None, bbox=None,
        organisations_text='', catalogue_title="Données ouvertes")
    return values
