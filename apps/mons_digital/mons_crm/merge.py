"Merge of two contacts: every link of every module moves to the one kept."
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        """Every stored link to a party, so that a merge loses no reference
        of any module (mail items, lists, permits...)."""
        pool = Pool()
        result = super().fields_to_replace()
        known = set(result)
        skip_models = {'party.party.lang', 'party.duplicate'}
        for model_name, Model in pool.iterobject():
            if (not issubclass(Model, ModelSQL)
                    or model_name in skip_models
                    or Model._is_table_query()):
                continue
            for field_name, field in Model._fields.items():
                if (field._type == 'many2one'
                        and getattr(field, 'model_name', None)
                        == 'party.party'
                        and not isinstance(field, fields.Function)
                        and (model_name, field_name) not in known
                        and (model_name, field_name)
                        != ('party.party', 'replaced_by')):
                    result.append((model_name, field_name))
                    known.add((model_name, field_name))
        return result

    def transition_replace(self):
        pool = Pool()
        Party = pool.get('party.party')
        source, destination = self.ask.source, self.ask.destination
        # Keep what the source knew and the destination does not
        values = {}
        services = {s.id for s in source.crm_services} - {
            s.id for s in destination.crm_services}
        if services:
            values['crm_services'] = [('add', list(services))]
        categories = {c.id for c in source.categories} - {
            c.id for c in destination.categories}
        if categories:
            values['categories'] = [('add', list(categories))]
        if source.crm_notes and source.crm_notes != destination.crm_notes:
            values['crm_notes'] = '\n'.join(filter(None, [
                        destination.crm_notes, source.crm_notes]))
        for name in ['first_name', 'last_name', 'civility', 'title',
                'birth_date', 'owner_service']:
            if not getattr(destination, name) and getattr(source, name):
                value = getattr(source, name)
                values[name] = getattr(value, 'id', value)
        if values:
            Party.write([destination], values)
        result = super().transition_replace()
        # The links of the source moved to the destination may now be there
        # twice (same service or category)
        for model_name, field in [('party.party-mons.service', 'service'),
                ('party.party-party.category', 'category')]:
            Model = pool.get(model_name)
            seen, twice = set(), []
            for record in Model.search([('party', '=', destination.id)],
                    order=[('id', 'ASC')]):
                key = getattr(record, field).id
                if key in seen:
                    twice.append(record)
                seen.add(key)
            if twice:
                Model.delete(twice)
        return result
