"Creation and linking of the contacts of a checked import, batch by batch."
import datetime as dt
import json

from trytond.pool import Pool

from .crm_import_row import full_name
from .normalize import norm_text

CREATE_SIZE = 200


class ImportApply:
    "The rows of a checked import applied to the directory"
    __slots__ = ()

    def process_batch(self, size):
        "Import the next size rows; True while rows remain"
        pool = Pool()
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        Country = pool.get('country.country')
        Category = pool.get('party.category')
        RelationType = pool.get('party.relation.type')
        ModelData = pool.get('ir.model.data')

        plan = json.loads(self.plan)
        start = self.imported_rows or 0
        chunk = plan[start:start + size]
        if not chunk:
            return False
        countries = {c.code: c.id for c in Country.search([])}
        categories = {norm_text(c.name): c for c in Category.search([])}
        works_for = RelationType(ModelData.get_id('mons_crm',
                'relation_type_works_for'))
        organisations = {}
        list_id = self.list_.id
        service_id = self.service.id

        def category_ids(value):
            ids = []
            for name in filter(None, (v.strip() for v in
                        value.replace(';', ',').split(','))):
                category = categories.get(norm_text(name))
                if category is None:
                    category, = Category.create([{'name': name}])
                    categories[norm_text(name)] = category
                ids.append(category.id)
            return ids

        def organisation_id(name):
            key = norm_text(name)
            if key not in organisations:
                found = Party.search([
                        ('name', 'ilike', name),
                        ('crm_kind', '=', 'organisation'),
                        ], limit=1)
                if not found:
                    found = Party.create([{
                                'name': name, 'crm_kind': 'organisation',
                                'owner_service': service_id,
                                'crm_services': [('add', [service_id])],
                                }])
                organisations[key] = found[0].id
            return organisations[key]

        to_create, rows_created = [], []
        to_link = []
        subscriptions = []
        refused = skipped = 0
        for entry in chunk:
            if entry['errors']:
                refused += 1
                continue
            if entry['same_as']:
                skipped += 1
                continue
            values = entry['values']
            if entry['match'] and self.duplicate_action == 'link':
                to_link.append((entry['match'], values))
                continue
            party = {
                'name': full_name(values),
                'crm_kind': ('organisation' if not (values.get('name')
                        or values.get('last_name') or values.get(
                            'first_name')) else 'person'),
                'first_name': values.get('first_name'),
                'last_name': values.get('last_name'),
                'civility': values.get('civility'),
                'title': values.get('title'),
                'language': values.get('language') or 'fr',
                'birth_date': (dt.date.fromisoformat(values['birth_date'])
                    if values.get('birth_date') else None),
                'crm_notes': values.get('notes'),
                'owner_service': service_id,
                'crm_services': [('add', [service_id])],
                'addresses': [],
                'contact_mechanisms': [],
                }
            if values.get('category'):
                party['categories'] = [
                    ('add', category_ids(values['category']))]
            if any(values.get(k) for k in ['street', 'postal_code', 'city']):
                party['addresses'] = [('create', [{
                                'street_unstructured': values.get('street'),
                                'postal_code': values.get('postal_code'),
                                'city': values.get('city'),
                                'country': countries.get(
                                    values.get('country') or 'BE'),
                                }])]
            else:
                party['addresses'] = []
            mechanisms = [{'type': t, 'value': values[t]}
                for t in ['email', 'phone', 'mobile'] if values.get(t)]
            if mechanisms:
                party['contact_mechanisms'] = [('create', mechanisms)]
            if values.get('organisation') and party['crm_kind'] == 'person':
                party['relations'] = [('create', [{
                                'to': organisation_id(values['organisation']),
                                'type': works_for.id,
                                }])]
            to_create.append(party)
            rows_created.append(values)
        # Codes drawn in one go and small creates: Tryton checks every id
        # of a batch for each record it browses (quadratic in the batch)
        if to_create and (sequence := Party._code_sequence()):
            for values, code in zip(to_create,
                    sequence.get_many(len(to_create))):
                values['code'] = code
        parties = []
        for start_ in range(0, len(to_create), CREATE_SIZE):
            parties.extend(Party.create(
                    to_create[start_:start_ + CREATE_SIZE]))
        for party, values in zip(parties, rows_created):
            if values.get('email'):
                subscriptions.append((party.id, values['email']))
        if to_link:
            linked = Party.browse([p for p, _ in to_link])
            Party.write(linked, {
                    'crm_services': [('add', [service_id])],
                    'last_used': dt.date.today(),
                    'retention_due': False,
                    })
            for party, (_, values) in zip(linked, to_link):
                email = values.get('email') or party.email
                if email:
                    subscriptions.append((party.id, email))
        if subscriptions:
            existing = {e.email for e in Email.search([
                        ('list_', '=', list_id),
                        ('email', 'in', [e.lower() for _, e in subscriptions]),
                        ('active', 'in', [True, False]),
                        ])}
            vlist = []
            for party_id, email in subscriptions:
                if email.lower() in existing:
                    continue
                existing.add(email.lower())
                vlist.append({
                        'list_': list_id,
                        'email': email,
                        'contact': party_id,
                        'source': 'import',
                        'consent_proof': self.consent_proof,
                        })
            for start_ in range(0, len(vlist), CREATE_SIZE):
                Email.create(vlist[start_:start_ + CREATE_SIZE])
        self.imported_rows = start + len(chunk)
        self.created_parties = (self.created_parties or 0) + len(parties)
        self.linked_parties = (self.linked_parties or 0) + len(to_link)
        self.skipped_rows = (self.skipped_rows or 0) + skipped
        self.refused_rows = (self.refused_rows or 0) + refused
        self.progress = self.imported_rows / len(plan)
        self.save()
        return self.imported_rows < len(plan)
