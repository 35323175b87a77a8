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
        return context
