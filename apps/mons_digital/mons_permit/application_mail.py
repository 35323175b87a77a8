# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The e-mails of a portal application, in French: the link to come back
to a draft, and the acknowledgement of a submitted application."""
from trytond.modules.mons_base.municipality import identity
from trytond.modules.mons_base.portal_render import date_fr



def signature():
    return ("Service de l'Urbanisme\n" + identity()['authority'] + "\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre.")


def resume_link(application):
    subject = "Votre demande de permis en cours : lien pour la reprendre"
    greeting = ' '.join(filter(None, ["Bonjour",
                application.applicant_name])) + ','
    body = (greeting + "\n\n"
        + "Votre demande « " + application.procedure_type.name
        + " » est enregistrée. Pour la reprendre là où vous l'avez "
        "laissée, ouvrez ce lien :\n\n"
        f"{application.resume_url}\n\n"
        "Gardez ce lien pour vous : il donne accès à votre demande.\n\n"
        + signature())
    return subject, body


def acknowledgement(application, file):
    reference = file.reference
    deposit = getattr(file, 'deposit_date', None)
    subject = f"Accusé d'envoi de votre demande {reference}"
    lines = [
        f"Bonjour {application.applicant_name},",
        "",
        identity()['authority'] + " a bien reçu votre demande « "
        f"{application.procedure_type.name} ».",
        f"Référence du dossier : {reference}",
        ]
    if deposit:
        lines.append(f"Date de dépôt : {date_fr(deposit)}")
    lines += [
        f"Lieu du projet : {application.location_street or ''}",
        "",
        "Le service de l'Urbanisme vérifie que le dossier est complet et "
        "vous écrira dans les 20 jours. Rappelez la référence dans vos "
        "échanges avec le service.",
        "",
        "Avec un compte sur le portail citoyen, vous suivez l'état du "
        "dossier et sa prochaine échéance.",
        f"Le récapitulatif de votre demande : {application.resume_url}",
        "",
        signature(),
        ]
    return subject, '\n'.join(lines)
