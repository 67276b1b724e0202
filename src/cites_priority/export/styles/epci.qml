<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- cites-priority: style of the `epci` layer (QGIS >= 3.22).
     Dark solid outline of each EPCI, labelled with its name.
     The <aliases> block is filled by cites_priority.export.qgis_styles from aliases.py. -->
<qgis version="3.22.16-Białowieża" styleCategories="Symbology|Labeling|Fields" labelsEnabled="1">
  <renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0" referencescale="-1">
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="border_width_map_unit_scale" value="3x:0,0,0,0,0,0"/>
            <Option type="QString" name="color" value="0,0,0,0"/>
            <Option type="QString" name="joinstyle" value="round"/>
            <Option type="QString" name="offset" value="0,0"/>
            <Option type="QString" name="offset_unit" value="MM"/>
            <Option type="QString" name="outline_color" value="60,60,60,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.8"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="style" value="no"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="epci_nom" isExpression="0" fontFamily="Sans Serif" fontSize="10" fontSizeUnit="Point" fontWeight="50" fontItalic="1" textColor="60,60,60,255" textOpacity="1" namedStyle="Regular" multilineHeight="1" allowHtml="0" capitalization="0" blendMode="0" previewBkgrdColor="255,255,255,255">
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.8" bufferJoinStyle="128" bufferNoFill="1" bufferBlendMode="0"/>
      </text-style>
      <text-format wrapChar="" autoWrapLength="20" useMaxLineLengthForAutoWrap="1" multilineAlign="3" plussign="0" reverseDirectionSymbol="0" leftDirectionSymbol="&lt;" rightDirectionSymbol=">" decimals="3" formatNumbers="0" addDirectionSymbol="0" placeDirectionSymbol="0"/>
      <placement placement="0" dist="0" distUnits="MM" priority="5" fitInPolygonOnly="0" centroidInside="1" centroidWhole="0" offsetType="0" xOffset="0" yOffset="0" offsetUnits="MM" quadOffset="4" overrunDistance="0" overrunDistanceUnit="MM" placementFlags="10" maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25" repeatDistance="0" repeatDistanceUnits="MM" rotationAngle="0" preserveRotation="1" layerType="PolygonGeometry" geometryGenerator="" geometryGeneratorEnabled="0" geometryGeneratorType="PointGeometry" polygonPlacementFlags="2" lineAnchorType="0" lineAnchorPercent="0.5" lineAnchorClipping="0"/>
      <rendering scaleVisibility="0" scaleMin="0" scaleMax="0" obstacle="1" obstacleType="1" obstacleFactor="1" displayAll="0" limitNumLabels="0" maxNumLabels="2000" mergeLines="0" minFeatureSize="0" upsidedownLabels="0" labelPerPart="0" fontLimitPixelSize="0" fontMinPixelSize="3" fontMaxPixelSize="10000" drawLabels="1" zIndex="0" unplacedVisibility="0"/>
      <dd_properties>
        <Option type="Map">
          <Option type="QString" name="name" value=""/>
          <Option name="properties"/>
          <Option type="QString" name="type" value="collection"/>
        </Option>
      </dd_properties>
    </settings>
  </labeling>
  <aliases>
    <!--ALIASES-->
  </aliases>
  <previewExpression>"epci_nom"</previewExpression>
  <mapTip>[% "epci_nom" %] : [% "n_cites" %] cités, [% "n_retenues" %] retenues</mapTip>
  <displayfield>epci_nom</displayfield>
  <layerGeometryType>2</layerGeometryType>
</qgis>
