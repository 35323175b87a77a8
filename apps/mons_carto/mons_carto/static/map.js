/* Map viewer of the Mons Digital Suite (Leaflet, bundled from npm).
 *
 * Layers come from /<db>/carto/map/layers (only those the visitor may see)
 * and their features from /<db>/carto/map/data/<code> for the current view
 * only (bbox), simplified by the server for the zoom level; dense point
 * layers are clustered. The view is kept in the URL hash so that a copied
 * link restores it. */
(function () {
    'use strict';

    var element = document.getElementById('carto-map');
    var api = element.dataset.api;
    var database = element.dataset.database;
    var root = api.replace(/\/carto$/, '');
    var statusElement = document.getElementById('carto-status');
    // The page's words in its language: the page hands them over as JSON
    // (mons_base portal_i18n.script_words), French when it has none
    var words = {};
    try {
        words = JSON.parse(
            document.getElementById('carto-words').textContent) || {};
    } catch (e) {
        words = {};
    }
    function t(text, values) {
        var result = words[text] || text;
        Object.keys(values || {}).forEach(function (key) {
            result = result.split('%(' + key + ')s').join(values[key]);
        });
        return result;
    }
    // The basemap notice stays while the messages of user actions change
    var basemapStatusElement = document.getElementById(
        'carto-basemap-status');
    var map = null;
    var config = null;
    var overlays = {};  // code -> {config, group, visible, opacity, request}
    var restoring = true;
    // Set when the server refused the session cookie (expired): the
    // visitor then sees the public map instead of nothing
    var withoutSession = false;

    function fetchJSON(url, options) {
        options = options || {};
        options.credentials = withoutSession ? 'omit' : 'same-origin';
        return fetch(url, options).then(function (response) {
            if (response.status === 401 && !withoutSession) {
                withoutSession = true;
                setStaff(false);
                status(t('Votre session d\u2019agent a expiré : seules les couches publiques sont affichées.'));
                return fetchJSON(url, options);
            }
            if (!response.ok) {
                throw new Error('HTTP ' + response.status);
            }
            return response.json();
        });
    }

    function status(text) {
        statusElement.textContent = text || '';
    }

    function escapeHtml(value) {
        return String(value === null || value === undefined ? '' : value)
            .replace(/[&<>"']/g, function (c) {
                return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
                    "'": '&#39;'}[c];
            });
    }

    // --- URL hash: #carte=zoom/lat/lon&couches=a,b&opacite=a:0.5 ---------

    function readHash() {
        var result = {};
        location.hash.replace(/^#/, '').split('&').forEach(function (part) {
            var index = part.indexOf('=');
            if (index > 0) {
                result[decodeURIComponent(part.slice(0, index))] =
                    decodeURIComponent(part.slice(index + 1));
            }
        });
        return result;
    }

    function writeHash() {
        if (restoring || !map) {
            return;
        }
        var centre = map.getCenter();
        var visible = [];
        var opacities = [];
        Object.keys(overlays).forEach(function (code) {
            var overlay = overlays[code];
            if (overlay.visible) {
                visible.push(code);
            }
            if (overlay.opacity < 1) {
                opacities.push(code + ':' + overlay.opacity);
            }
        });
        var hash = 'carte=' + map.getZoom() + '/' + centre.lat.toFixed(5) +
            '/' + centre.lng.toFixed(5) + '&couches=' + visible.join(',');
        if (opacities.length) {
            hash += '&opacite=' + opacities.join(',');
        }
        history.replaceState(null, '', '#' + hash);
    }

    // --- styles and legend -----------------------------------------------

    function colourOf(layerConfig, properties) {
        if (layerConfig.classify_field && properties) {
            var value = properties[layerConfig.classify_field];
            for (var i = 0; i < layerConfig.classes.length; i++) {
                if (String(layerConfig.classes[i].value) === String(value)) {
                    return layerConfig.classes[i].colour;
                }
            }
        }
        return layerConfig.colour;
    }

    function dashOf(layerConfig) {
        return {dashed: '8 6', dotted: '2 6'}[layerConfig.line_style] || null;
    }

    function styleOf(overlay, feature) {
        var c = overlay.config;
        var colour = colourOf(c, feature && feature.properties);
        return {
            color: colour,
            weight: c.line_width,
            dashArray: dashOf(c),
            opacity: overlay.opacity,
            fillColor: colour,
            fillOpacity: c.fill_opacity * overlay.opacity
        };
    }

    function nameOf(overlay, feature) {
        var c = overlay.config;
        var properties = feature.properties || {};
        var title = c.label_field ? properties[c.label_field] : null;
        return (title !== null && title !== undefined && title !== '' ?
            String(title) : t('Point')) + ' \u2014 ' + c.name;
    }

    function pointOf(overlay, feature, latlng) {
        // Every point is an HTML marker, not a drawing on the canvas: it
        // is reached with Tab, named for screen readers and opened with
        // Enter
        var c = overlay.config;
        var colour = colourOf(c, feature.properties);
        var shape = {
            square: 'width:12px;height:12px;border:1px solid #222;background:' + colour,
            triangle: 'width:0;height:0;border-left:7px solid transparent;border-right:7px solid transparent;border-bottom:13px solid ' + colour
        }[c.symbol] || ('width:12px;height:12px;border-radius:50%;border:1px solid #222;background:' + colour);
        var name = nameOf(overlay, feature);
        var marker = L.marker(latlng, {
            opacity: overlay.opacity,
            keyboard: true,
            title: name,
            icon: L.divIcon({
                className: 'carto-symbol',
                html: '<span aria-hidden="true" style="display:block;' +
                    shape + '"></span>',
                iconSize: [14, 14]
            })
        });
        marker.on('add', function () {
            var icon = marker.getElement();
            if (icon) {
                icon.setAttribute('aria-label', name);
                icon.setAttribute('aria-haspopup', 'dialog');
            }
        });
        return marker;
    }

    function clusterIcon(cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? 'small' : (count < 100 ? 'medium' : 'large');
        return L.divIcon({
            html: '<div><span>' + count + '<span class="carto-sr"> ' +
                t('points regroupés, Entrée pour zoomer') +
                '</span></span></div>',
            className: 'marker-cluster marker-cluster-' + size,
            iconSize: new L.Point(40, 40)
        });
    }

    function popupOf(overlay, feature) {
        var c = overlay.config;
        var properties = feature.properties || {};
        var title = c.label_field ? properties[c.label_field] : null;
        var names = c.popup_fields.length ? c.popup_fields :
            Object.keys(properties);
        var html = '<div class="carto-popup"><strong>' +
            escapeHtml(title || c.name) + '</strong><br><small>' +
            escapeHtml(c.name) + '</small><dl>';
        names.forEach(function (name) {
            if (properties[name] !== undefined && properties[name] !== null &&
                    properties[name] !== '') {
                // The label the layer gives the property, else its name
                var label = (c.labels || {})[name] || name;
                html += '<dt>' + escapeHtml(label) + '</dt><dd>' +
                    escapeHtml(properties[name]) + '</dd>';
            }
        });
        return html + '</dl></div>';
    }

    function legendOf(c) {
        var kind = c.geometry_type === 'line' ? 'line' :
            (c.geometry_type === 'point' ? 'point' : 'polygon');
        function swatch(colour) {
            return '<span class="carto-swatch carto-swatch--' + kind +
                '" style="background:' + escapeHtml(colour) + '"></span>';
        }
        var html = '<ul class="carto-legend">';
        if (c.classes.length) {
            c.classes.forEach(function (klass) {
                html += '<li>' + swatch(klass.colour) +
                    escapeHtml(klass.label) + '</li>';
            });
            html += '<li>' + swatch(c.colour) + t('Autres') + '</li>';
        } else {
            html += '<li>' + swatch(c.colour) + escapeHtml(
                {point: t('Points'), line: t('Lignes'),
                    polygon: t('Surfaces')}[kind]) +
                '</li>';
        }
        return html + '</ul>';
    }

    // --- layers ------------------------------------------------------------

    function makeGroup(c) {
        if (c.cluster && c.geometry_type === 'point' && L.markerClusterGroup) {
            var group = L.markerClusterGroup({
                iconCreateFunction: clusterIcon,
                chunkedLoading: true,
                showCoverageOnHover: false,
                maxClusterRadius: 50
            });
            // Enter on a focused cluster zooms into it, as a click does
            group.on('clusterkeypress', function (event) {
                if (event.originalEvent && event.originalEvent.keyCode === 13) {
                    event.layer.zoomToBounds();
                }
            });
            return group;
        }
        return L.featureGroup();
    }

    var pending = 0;

    function loading(change) {
        // Requests in flight, read by the browser tests
        pending += change;
        element.dataset.pending = pending;
    }

    function loadOverlay(code) {
        var overlay = overlays[code];
        if (!overlay || !overlay.visible) {
            return;
        }
        if (overlay.request) {
            overlay.request.abort();
        }
        var bounds = map.getBounds().pad(0.2);
        var bbox = [
            Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
            Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90)
        ].map(function (v) { return v.toFixed(6); }).join(',');
        var controller = new AbortController();
        overlay.request = controller;
        overlay.item.classList.add('carto-loading');
        loading(1);
        var finished = false;
        function finish() {
            if (!finished) {
                finished = true;
                loading(-1);
            }
        }
        fetchJSON(api + '/map/data/' + encodeURIComponent(code) + '?bbox=' +
                bbox + '&zoom=' + map.getZoom(), {signal: controller.signal})
            .then(function (collection) {
                finish();
                overlay.request = null;
                overlay.item.classList.remove('carto-loading');
                overlay.group.clearLayers();
                overlay.cells.clearLayers();
                if (collection.aggregated) {
                    drawCells(overlay, collection);
                    return;
                }
                var layer = L.geoJSON(collection, {
                    style: function (feature) {
                        return styleOf(overlay, feature);
                    },
                    pointToLayer: function (feature, latlng) {
                        return pointOf(overlay, feature, latlng);
                    },
                    onEachFeature: function (feature, layer) {
                        layer.bindPopup(function () {
                            return popupOf(overlay, feature);
                        });
                    }
                });
                if (overlay.group.addLayers) {
                    overlay.group.addLayers(layer.getLayers());
                } else {
                    layer.getLayers().forEach(function (l) {
                        overlay.group.addLayer(l);
                    });
                }
                overlay.count.textContent = collection.numberMatched >
                    collection.numberReturned ?
                    ' (' + collection.numberReturned + ' / ' +
                    collection.numberMatched + ', ' +
                    t('zoomez pour tout voir') + ')' :
                    ' (' + collection.numberReturned + ')';
                // Read by the browser tests
                element.dataset['loaded_' + code.replace(/[^a-z0-9]/g, '_')] =
                    collection.numberReturned;
            })
            .catch(function (error) {
                if (overlay.request === controller) {
                    overlay.request = null;
                }
                finish();
                if (error.name !== 'AbortError') {
                    window.console.error(error);
                    overlay.item.classList.remove('carto-loading');
                    status(t('Impossible de charger la couche « %(name)s ».',
                        {name: overlay.config.name}));
                }
            });
    }

    // A large point layer comes counted by cells of the screen (the
    // server groups them): one marker per cell, Enter or a click zooms in
    function drawCells(overlay, collection) {
        collection.features.forEach(function (feature) {
            var count = feature.properties.count;
            var box = feature.properties.bbox;
            var size = count < 10 ? 'small' : (count < 100 ? 'medium' :
                'large');
            var marker = L.marker([feature.geometry.coordinates[1],
                    feature.geometry.coordinates[0]], {
                keyboard: true,
                title: count + ' ' + t('objets'),
                icon: L.divIcon({
                    html: '<div><span>' + count + '<span class="carto-sr"> ' +
                        t('objets regroupés, Entrée pour zoomer') +
                        '</span></span></div>',
                    className: 'marker-cluster marker-cluster-' + size,
                    iconSize: new L.Point(40, 40)
                })
            });
            function zoomIn() {
                var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
                if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
                    map.setView(bounds.getCenter(), map.getZoom() + 2);
                } else {
                    map.fitBounds(bounds.pad(0.1));
                }
            }
            marker.on('click', zoomIn);
            marker.on('keypress', function (event) {
                if (event.originalEvent && event.originalEvent.keyCode === 13) {
                    zoomIn();
                }
            });
            overlay.cells.addLayer(marker);
        });
        overlay.count.textContent = ' (' + collection.numberMatched + ' ' +
            t('objets regroupés, zoomez pour le détail') + ')';
        element.dataset['loaded_' + overlay.config.code.replace(
            /[^a-z0-9]/g, '_')] = collection.numberReturned;
        element.dataset['cells_' + overlay.config.code.replace(
            /[^a-z0-9]/g, '_')] = collection.numberReturned;
    }

    function setVisible(code, visible) {
        var overlay = overlays[code];
        overlay.visible = visible;
        overlay.checkbox.checked = visible;
        if (visible) {
            overlay.group.addTo(map);
            overlay.cells.addTo(map);
            loadOverlay(code);
        } else {
            map.removeLayer(overlay.group);
            map.removeLayer(overlay.cells);
            overlay.count.textContent = '';
        }
        writeHash();
    }

    function setOpacity(code, opacity) {
        var overlay = overlays[code];
        overlay.opacity = opacity;
        overlay.slider.value = opacity;
        overlay.group.eachLayer(function (layer) {
            if (layer.setStyle) {
                layer.setStyle(styleOf(overlay, layer.feature));
            } else if (layer.setOpacity) {
                layer.setOpacity(opacity);
            }
        });
        writeHash();
    }

    function buildLayers(layers, hash) {
        var list = document.getElementById('carto-layers');
        list.innerHTML = '';
        // Layers appearing after a staff login are shown at once
        var previous = Object.keys(overlays).length ? overlays : null;
        Object.keys(overlays).forEach(function (code) {
            map.removeLayer(overlays[code].group);
            map.removeLayer(overlays[code].cells);
        });
        overlays = {};
        var wanted = hash.couches !== undefined ?
            hash.couches.split(',') : null;
        var opacities = {};
        (hash.opacite || '').split(',').forEach(function (part) {
            var pieces = part.split(':');
            if (pieces.length === 2) {
                opacities[pieces[0]] = parseFloat(pieces[1]);
            }
        });
        if (!layers.length) {
            list.innerHTML = '<li>' + escapeHtml(t('Aucune couche disponible.')) +
                '</li>';
        }
        layers.forEach(function (c) {
            var item = document.createElement('li');
            item.dataset.code = c.code;
            var id = 'carto-layer-' + c.code;
            item.innerHTML = '<input type="checkbox" id="' + id + '"> ' +
                '<label for="' + id + '">' + escapeHtml(c.name) + '</label>' +
                (c.public ? '' : '<span class="carto-badge" title="' +
                    escapeHtml(t('Couche interne')) + '">' +
                    escapeHtml(t('interne')) + '</span>') +
                '<span class="carto-count"></span>' + legendOf(c) +
                '<label class="carto-opacity-label">' +
                escapeHtml(t('Opacité')) + ' <input type="range" class="carto-opacity" min="0.1" max="1" step="0.1" value="1" aria-label="' +
                escapeHtml(t('Opacité de %(name)s', {name: c.name})) + '"></label>' +
                ' <a href="' + escapeHtml(root + '/carto/download/' + c.code + '.geojson') + '">GeoJSON</a>' +
                ' <a href="' + escapeHtml(root + '/carto/download/' + c.code + '.csv') + '">CSV</a>';
            list.appendChild(item);
            var overlay = {
                config: c,
                group: makeGroup(c),
                cells: L.layerGroup(),
                clustered: Boolean(c.cluster && c.geometry_type === 'point' &&
                    L.markerClusterGroup),
                visible: false,
                opacity: opacities[c.code] || 1,
                item: item,
                checkbox: item.querySelector('input[type=checkbox]'),
                slider: item.querySelector('.carto-opacity'),
                count: item.querySelector('.carto-count'),
                request: null
            };
            overlays[c.code] = overlay;
            overlay.slider.value = overlay.opacity;
            overlay.checkbox.addEventListener('change', function () {
                setVisible(c.code, overlay.checkbox.checked);
            });
            overlay.slider.addEventListener('input', function () {
                setOpacity(c.code, parseFloat(overlay.slider.value));
            });
            var on = wanted ? (wanted.indexOf(c.code) >= 0 ||
                Boolean(previous && !previous[c.code])) : true;
            if (on) {
                setVisible(c.code, true);
            }
        });
    }

    // --- basemap -----------------------------------------------------------

    var currentTiles = null;

    function setBasemap(basemap) {
        if (currentTiles) {
            map.removeLayer(currentTiles);
            currentTiles = null;
        }
        element.dataset.basemapChoice = basemap.id || '';
        basemapStatusElement.textContent = '';
        if (!basemap.url) {
            element.classList.add('carto-plain');
            element.dataset.basemap = 'none';
            status(t('Fond de plan : aucun (fond uni).'));
            return;
        }
        element.classList.remove('carto-plain');
        var loaded = 0;
        var failed = 0;
        var tiles = L.tileLayer(basemap.url, {
            attribution: basemap.attribution,
            maxZoom: basemap.max_zoom
        });
        currentTiles = tiles;
        function fallBack() {
            if (loaded === 0 && map.hasLayer(tiles)) {
                map.removeLayer(tiles);
                element.classList.add('carto-plain');
                element.dataset.basemap = 'none';
                basemapStatusElement.textContent = (
                    t('Fond de plan injoignable : les couches sont affichées sur un fond uni.'));
            }
        }
        tiles.on('tileload', function () {
            loaded += 1;
            element.dataset.basemap = 'ok';
        });
        tiles.on('tileerror', function () {
            failed += 1;
            if (failed >= 3) {
                fallBack();
            }
        });
        tiles.addTo(map);
        // Tiles that never answer (closed networks) count as unreachable
        setTimeout(fallBack, 6000);
    }

    // The switcher: radio buttons of the fonds the city configured (a
    // plain one, the plan when online, its orthophoto)
    function buildBasemaps(basemaps, chosen) {
        var fieldset = document.getElementById('carto-basemaps');
        if (!fieldset || basemaps.length < 2) {
            return;
        }
        fieldset.hidden = false;
        basemaps.forEach(function (basemap) {
            var id = 'carto-basemap-' + basemap.id;
            var label = document.createElement('label');
            label.className = 'carto-basemap';
            label.innerHTML = '<input type="radio" name="carto-basemap" id="' +
                id + '" value="' + escapeHtml(basemap.id) + '"> ' +
                escapeHtml(basemap.name);
            var input = label.querySelector('input');
            input.checked = basemap.id === chosen.id;
            input.addEventListener('change', function () {
                if (input.checked) {
                    setBasemap(basemap);
                }
            });
            fieldset.appendChild(label);
        });
    }

    // --- tools ---------------------------------------------------------------

    function geodesicArea(latlngs) {
        var radius = 6378137;
        var area = 0;
        var rad = Math.PI / 180;
        for (var i = 0; i < latlngs.length; i++) {
            var p1 = latlngs[i];
            var p2 = latlngs[(i + 1) % latlngs.length];
            area += (p2.lng - p1.lng) * rad *
                (2 + Math.sin(p1.lat * rad) + Math.sin(p2.lat * rad));
        }
        return Math.abs(area * radius * radius / 2);
    }

    function formatLength(metres) {
        return metres >= 1000 ?
            (metres / 1000).toFixed(2).replace('.', ',') + ' km' :
            Math.round(metres) + ' m';
    }

    function formatArea(squareMetres) {
        if (squareMetres >= 1e6) {
            return (squareMetres / 1e6).toFixed(3).replace('.', ',') + ' km²';
        }
        if (squareMetres >= 1e4) {
            return (squareMetres / 1e4).toFixed(2).replace('.', ',') + ' ha';
        }
        return Math.round(squareMetres) + ' m²';
    }

    var measure = {mode: null, points: [], shape: null};
    var measureOutput = document.getElementById('carto-measure');

    function updateMeasure() {
        if (measure.shape) {
            map.removeLayer(measure.shape);
        }
        var points = measure.points;
        if (!points.length) {
            measureOutput.textContent = t(
                'Cliquez sur la carte pour placer les points.');
            return;
        }
        if (measure.mode === 'area') {
            measure.shape = L.polygon(points, {color: '#a3122b'}).addTo(map);
            measureOutput.textContent = t('Surface :') + ' ' + formatArea(
                points.length > 2 ? geodesicArea(points) : 0);
        } else {
            measure.shape = L.polyline(points, {color: '#a3122b'}).addTo(map);
            var total = 0;
            for (var i = 1; i < points.length; i++) {
                total += map.distance(points[i - 1], points[i]);
            }
            measureOutput.textContent = t('Distance :') + ' ' +
                formatLength(total);
        }
    }

    function startMeasure(mode) {
        var buttons = {
            distance: document.getElementById('carto-measure-distance'),
            area: document.getElementById('carto-measure-area')
        };
        var stop = measure.mode === mode;
        if (measure.shape) {
            map.removeLayer(measure.shape);
        }
        measure = {mode: stop ? null : mode, points: [], shape: null};
        Object.keys(buttons).forEach(function (key) {
            buttons[key].setAttribute('aria-pressed',
                String(measure.mode === key));
        });
        measureOutput.hidden = !measure.mode;
        if (measure.mode) {
            map.doubleClickZoom.disable();
            updateMeasure();
        } else {
            map.doubleClickZoom.enable();
        }
    }

    function search(text) {
        var results = document.getElementById('carto-results');
        results.innerHTML = '';
        if (text.length < 2) {
            return;
        }
        fetchJSON(api + '/map/search?q=' + encodeURIComponent(text))
            .then(function (data) {
                if (!data.results.length) {
                    results.innerHTML = '<li>' +
                        escapeHtml(t('Aucun résultat.')) + '</li>';
                }
                data.results.forEach(function (result) {
                    var item = document.createElement('li');
                    var button = document.createElement('button');
                    button.type = 'button';
                    button.textContent = (result.name || '?') + ' — ' +
                        (result.address ? t('adresse') : result.layer_name);
                    if (result.address) {
                        item.className = 'carto-result-address';
                    }
                    button.addEventListener('click', function () {
                        var b = result.bbox;
                        if (b[0] === b[2] && b[1] === b[3]) {
                            map.setView([b[1], b[0]], 18);
                        } else {
                            map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
                        }
                        L.popup().setLatLng(result.point)
                            .setContent('<strong>' + escapeHtml(result.name) +
                                '</strong><br>' + escapeHtml(result.layer_name))
                            .openOn(map);
                    });
                    item.appendChild(button);
                    results.appendChild(item);
                });
            });
    }

    // --- staff session (Tryton cookie) --------------------------------------

    function setStaff(staff) {
        document.getElementById('carto-staff-in').hidden = !staff;
        document.getElementById('carto-staff-out').hidden = staff;
    }

    function login(event) {
        event.preventDefault();
        var form = event.target;
        var error = document.getElementById('carto-login-error');
        error.textContent = '';
        fetch(root + '/session/login', {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({
                id: 1, method: 'common.db.login',
                params: [form.login.value, {password: form.password.value}]
            })
        }).then(function (response) {
            return response.json();
        }).then(function (data) {
            if (data.error || !data.result) {
                error.textContent = t(
                    'Identifiant ou mot de passe incorrect.');
                return;
            }
            form.password.value = '';
            withoutSession = false;
            reload();
        }).catch(function () {
            error.textContent = t('Connexion impossible.');
        });
    }

    function logout() {
        fetch(root + '/session/logout', {
            method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({id: 1, method: 'common.db.logout', params: []})
        }).then(reload, reload).then(function () {
            withoutSession = false;
        });
    }

    // --- popups: French, and the keyboard focus goes in and comes back ----

    function watchPopups(map) {
        var opener = null;
        map.on('popupopen', function (event) {
            var container = event.popup.getElement();
            var close = container.querySelector(
                '.leaflet-popup-close-button');
            if (close) {
                close.setAttribute('aria-label', t('Fermer la fiche'));
                close.title = t('Fermer la fiche');
            }
            var content = container.querySelector(
                '.leaflet-popup-content');
            content.setAttribute('role', 'dialog');
            content.setAttribute('aria-label',
                (content.querySelector('strong') || content).textContent);
            content.tabIndex = -1;
            var active = document.activeElement;
            if (active && element.contains(active) && active !== element) {
                // Opened from the keyboard: read it at once
                opener = active;
                content.focus();
            } else {
                opener = null;
            }
        });
        map.on('popupclose', function () {
            if (opener && document.body.contains(opener)) {
                opener.focus();
            }
            opener = null;
        });
        element.addEventListener('keydown', function (event) {
            if (event.key === 'Escape' && !measure.mode) {
                map.closePopup();
            }
        });
    }

    // --- start -----------------------------------------------------------------

    function reload() {
        return fetchJSON(api + '/map/layers').then(function (data) {
            config = data;
            restoring = true;
            var hash = readHash();
            if (!map) {
                // maxZoom on the map itself: the clusters need it even when the
                // basemap (which usually gives it) is missing
                map = L.map(element, {preferCanvas: true, zoomControl: false,
                    maxZoom: data.basemap.max_zoom || 19});
                L.control.zoom({zoomInTitle: t('Zoom avant'),
                    zoomOutTitle: t('Zoom arrière')}).addTo(map);
                map.attributionControl.setPrefix(
                    '<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
                watchPopups(map);
                L.control.scale({imperial: false}).addTo(map);
                var view = (hash.carte || '').split('/').map(parseFloat);
                if (view.length === 3 && view.every(isFinite)) {
                    map.setView([view[1], view[2]], view[0]);
                } else {
                    map.setView(data.centre, data.zoom);
                }
                var basemaps = data.basemaps || [];
                var first = basemaps.filter(function (b) {
                    return b.id !== 'plain';
                })[0] || basemaps[0] || data.basemap;
                buildBasemaps(basemaps, first);
                setBasemap(first);
                map.on('moveend', function () {
                    Object.keys(overlays).forEach(loadOverlay);
                    writeHash();
                });
                map.on('click', function (event) {
                    if (measure.mode) {
                        measure.points.push(event.latlng);
                        updateMeasure();
                    }
                });
                map.on('dblclick', function () {
                    if (measure.mode) {
                        startMeasure(measure.mode);
                    }
                });
                var select = document.getElementById('carto-section');
                data.sections.forEach(function (section, index) {
                    var option = document.createElement('option');
                    option.value = index;
                    option.textContent = section.name + ' (' +
                        section.postal_code + ')';
                    select.appendChild(option);
                });
                select.addEventListener('change', function () {
                    var section = data.sections[select.value];
                    if (section && section.latitude) {
                        map.setView([section.latitude, section.longitude], 14);
                    }
                });
            }
            setStaff(data.staff);
            buildLayers(data.layers, hash);
            restoring = false;
            writeHash();
            element.dataset.ready = '1';
        }).catch(function () {
            status(t('La carte ne peut pas être chargée.'));
        });
    }

    document.getElementById('carto-home').addEventListener('click',
        function () {
            map.setView(config.centre, config.zoom);
        });
    document.getElementById('carto-measure-distance').addEventListener(
        'click', function () { startMeasure('distance'); });
    document.getElementById('carto-measure-area').addEventListener(
        'click', function () { startMeasure('area'); });
    document.getElementById('carto-share').addEventListener('click',
        function () {
            writeHash();
            var done = function () {
                status(t('Lien de cette vue copié : %(link)s',
                    {link: location.href}));
            };
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(location.href).then(done, done);
            } else {
                done();
            }
        });
    document.getElementById('carto-print').addEventListener('click',
        function () { window.print(); });
    document.getElementById('carto-search-form').addEventListener('submit',
        function (event) {
            event.preventDefault();
            search(document.getElementById('carto-search').value.trim());
        });
    document.getElementById('carto-login').addEventListener('submit', login);
    document.getElementById('carto-logout').addEventListener('click', logout);
    document.addEventListener('keydown', function (event) {
        if (event.key === 'Escape' && measure.mode) {
            startMeasure(measure.mode);
        }
    });
    window.addEventListener('beforeprint', function () {
        if (map) { map.invalidateSize(); }
    });
    // On a phone the map comes first and the long list of layers waits
    // behind its heading
    if (window.matchMedia && window.matchMedia('(max-width: 50rem)').matches) {
        document.getElementById('carto-side').open = false;
    }
    reload();
}());
