<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- cites-priority: the `epci` layer as the mask of the "Atlas EPCI" layout (QGIS >= 3.22).
     A rule-based renderer veils in white every EPCI but the atlas's current one; outside an
     atlas (@atlas_feature is NULL) the rule is false and nothing is drawn.
     The <aliases> block is filled by cites_priority.export.qgis_styles from aliases.py. -->
<qgis version="3.22.16-Białowieża" styleCategories="Symbology|Fields" labelsEnabled="0">
  <renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0" referencescale="-1">
    <rules key="{5b0c5c52-0d6a-4a4e-9d3e-7f1f0b1e0001}">
      <rule key="{5b0c5c52-0d6a-4a4e-9d3e-7f1f0b1e0002}" symbol="0" label="Hors de l'EPCI de la page" filter="&quot;epci&quot; &lt;&gt; attribute(@atlas_feature, 'epci')"/>
    </rules>
    <symbols>
      <symbol type="fill" name="0" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="border_width_map_unit_scale" value="3x:0,0,0,0,0,0"/>
            <Option type="QString" name="color" value="255,255,255,255"/>
            <Option type="QString" name="joinstyle" value="bevel"/>
            <Option type="QString" name="offset" value="0,0"/>
            <Option type="QString" name="offset_unit" value="MM"/>
            <Option type="QString" name="outline_color" value="0,0,0,0"/>
            <Option type="QString" name="outline_style" value="no"/>
            <Option type="QString" name="outline_width" value="0"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <aliases>
    <!--ALIASES-->
  </aliases>
  <previewExpression>"epci_nom"</previewExpression>
  <displayfield>epci_nom</displayfield>
  <layerGeometryType>2</layerGeometryType>
</qgis>
