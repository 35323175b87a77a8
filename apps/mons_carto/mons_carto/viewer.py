# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"The map viewer page of the portal: /<db>/portal/carte"
from trytond.modules.mons_base.portal import register_link, render, route
from trytond.modules.mons_base.portal_i18n import N_, language, script_words


@route('/carte', methods=['GET'], readonly=True)
def view(request, pool, **kwargs):
    # Layers are fetched by the page from /<db>/carto/map/layers so that
    # the staff session cookie decides which internal ones are shown; the
    # script's own words come with the page, in its language
    return render(request, 'mons_carto/map.html', active='carte',
        script_words=script_words('mons_carto', language(request)))


# N_: translated when the home page is drawn, in the visitor's language
register_link(N_("Carte interactive"), 'carte',
    N_("Consulter les couches géographiques de la Ville : sections, points "
        "d'intérêt, chantiers…"), sequence=40)
