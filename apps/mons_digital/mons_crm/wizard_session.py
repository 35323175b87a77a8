"A session of one of Tryton's wizards, run by a button of this module."
import contextlib

from trytond.pool import Pool


@contextlib.contextmanager
def wizard_session(Wizard):
    """An instance of Wizard on a new session, without the check of the
    wizard's own action groups: the button calling it has its groups and
    rules (merge: data steward, DPO, service managers; erase: DPO, data
    steward), which Tryton's party administrators' action does not know"""
    Session = Pool().get('ir.session.wizard')
    session, = Session.create([{}])
    try:
        yield Wizard(session.id)
    finally:
        Session.delete([session])
