from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "services" as list of ids of the services of the current '
            'user\n- "employees" as list of ids of the employees of the '
            'current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(User.get_services_ids()),
            tuple(User.get_employees()))

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['services'] = User.get_services_ids()
        context['employees'] = User.get_employees()
        context['staff'] = is_staff(User.get_groups())
        return context


# Groups of people outside the administration: the anonymous visitor of the
# portal and the public APIs, and portal accounts
OUTSIDE_GROUPS = {('mons_base', 'group_public'), ('mons_base', 'group_portal')}


def is_staff(groups):
    "Whether groups hold one of the administration (the cache key has them)"
    ModelData = Pool().get('ir.model.data')
    outside = {ModelData.get_id(m, x) for m, x in OUTSIDE_GROUPS}
    return bool(set(groups) - outside)
