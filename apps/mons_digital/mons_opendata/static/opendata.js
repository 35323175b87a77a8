/* Open-data portal: chart builder and map preview, drawn in the browser
 * with the bundled Chart.js and Leaflet (no CDN, no tile server needed). */
(function () {
  'use strict';
  var palette = ['#1b3a6b', '#c8102e', '#2e7d32', '#f9a825', '#6a1b9a',
    '#00838f', '#ef6c00', '#5d4037', '#546e7a', '#ad1457'];

  function colors(n) {
    var out = [];
    for (var i = 0; i < n; i++) { out.push(palette[i % palette.length]); }
    return out;
  }

  function quote(name) { return '`' + name.replace(/`/g, '') + '`'; }

  var config = document.getElementById('od-config');
  if (config) {
    config = JSON.parse(config.textContent);
    // the page's words, in its language (French unless German)
    var words = config.words || {by: 'par', empty: '(vide)'};
    var chart = null;
    var form = document.getElementById('od-chart-form');
    var draw = function (event) {
      if (event) { event.preventDefault(); }
      var column = document.getElementById('od-chart-column').value;
      var measure = document.getElementById('od-chart-measure').value;
      var kind = document.getElementById('od-chart-kind').value;
      var value = measure ? 'sum(' + quote(measure) + ') as valeur'
        : 'count(*) as valeur';
      var params = new URLSearchParams({
        select: quote(column) + ', ' + value,
        group_by: quote(column),
        order_by: kind === 'line' ? quote(column) : 'valeur desc',
        limit: '50'
      });
      fetch(config.explore + '/records?' + params.toString())
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var labels = data.results.map(function (r) {
            return r[column] === null ? words.empty : String(r[column]);
          });
          var values = data.results.map(function (r) { return r.valeur; });
          if (chart) { chart.destroy(); }
          var measureSelect = document.getElementById('od-chart-measure');
          var columnSelect = document.getElementById('od-chart-column');
          var title = measureSelect.options[measureSelect.selectedIndex].text
            + ' ' + words.by + ' ' + columnSelect.options[
              columnSelect.selectedIndex].text.toLowerCase();
          var canvas = document.getElementById('od-chart');
          canvas.setAttribute('aria-label', title);
          chart = new Chart(canvas, {
            type: kind,
            data: {labels: labels, datasets: [{
              label: measureSelect.options[measureSelect.selectedIndex].text,
              data: values,
              backgroundColor: kind === 'line' ? palette[0] : colors(values.length),
              borderColor: kind === 'line' ? palette[0] : '#fff'
            }]},
            options: {responsive: true, animation: false,
              plugins: {legend: {display: kind === 'pie'},
                title: {display: true, text: title}}}
          });
          document.getElementById('od-chart').dataset.points = values.length;
        });
    };
    if (form) {
      form.addEventListener('submit', draw);
      // the server chose a sensible first chart, or none
      if (form.dataset.column) { draw(); }
    }
    if (config.map && document.getElementById('od-map')) {
      var map = L.map('od-map', {preferCanvas: true});
      fetch(config.explore + '/exports/geojson?limit=5000')
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var layer = L.geoJSON(data, {
            pointToLayer: function (feature, latlng) {
              return L.circleMarker(latlng, {radius: 6, color: '#c8102e',
                weight: 2, fillOpacity: 0.7});
            },
            onEachFeature: function (feature, marker) {
              var props = feature.properties;
              var rows = Object.keys(props).map(function (k) {
                var v = props[k] === null ? '' : String(props[k]);
                var td = document.createElement('td');
                td.textContent = v;
                var th = document.createElement('th');
                th.textContent = (config.labels || {})[k] || k;
                return '<tr>' + th.outerHTML + td.outerHTML + '</tr>';
              });
              marker.bindPopup('<table>' + rows.join('') + '</table>');
            }
          }).addTo(map);
          var bounds = layer.getBounds();
          if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1)); }
          else { map.setView([50.4542, 3.9567], 12); }
          L.control.scale({imperial: false}).addTo(map);
          document.getElementById('od-map').dataset.markers =
            data.features.length;
        });
    }
  }

  var dashboard = document.getElementById('od-dashboard');
  if (dashboard) {
    dashboard = JSON.parse(dashboard.textContent);
    var keys = Object.keys(dashboard.states);
    new Chart(document.getElementById('od-dashboard-chart'), {
      type: 'bar',
      data: {labels: dashboard.labels, datasets: keys.map(function (k, i) {
        return {label: dashboard.states[k], backgroundColor: palette[i],
          data: dashboard.counts.map(function (c) { return c[k]; })};
      })},
      options: {responsive: true, animation: false,
        scales: {x: {stacked: true}, y: {stacked: true, ticks: {precision: 0}}}}
    });
  }
})();
