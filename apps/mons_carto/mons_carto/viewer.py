# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"The map viewer page of the portal: /<db>/portal/carte"
from trytond.modules.mons_base.portal import register_link, render, route


@route('/carte', methods=['GET'], readonly=True)
def view(request, pool, **kwargs):
    # Layers are fetched by the page from /<db>/carto/map/layers so that
    # the staff session cookie decides which internal ones are shown
    return render(request, 'mons_carto/map.html', active='carte')


register_link("Carte interactive", 'carte',
    "Consulter les couches géographiques de la Ville : sections, points "
    "d'intérêt, chantiers…", sequence=40)
