{#- pandas Styler table with header cells that carry `scope`, for screen readers. -#}
{%- extends "html_table.tpl" -%}
{%- block table -%}
<table class="xxgk-table">
{%- if caption %}
<caption>{{ caption }}</caption>
{%- endif %}
<thead>
{%- for r in head %}
<tr>
{%- for c in r if c.is_visible != False -%}
{%- if c.type == "th" and "blank" in c.class -%}
<td class="corner" {{ c.attributes }}></td>
{%- else -%}
<th scope="{{ 'colgroup' if 'colspan' in c.attributes else 'col' }}" {{ c.attributes }}>{{ c.display_value }}</th>
{%- endif -%}
{%- endfor -%}
</tr>
{%- endfor %}
</thead>
<tbody>
{%- for r in body %}
<tr>
{%- for c in r if c.is_visible != False -%}
{%- if c.type == "th" -%}
<th scope="{{ 'rowgroup' if 'rowspan' in c.attributes else 'row' }}" {{ c.attributes }}>{{ c.display_value }}</th>
{%- else -%}
<td class="{{ 'num' if c.value is number else 'text' }}" {{ c.attributes }}>{{ c.display_value }}</td>
{%- endif -%}
{%- endfor -%}
</tr>
{%- endfor %}
</tbody>
</table>
{%- endblock table -%}
