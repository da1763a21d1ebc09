import QtQuick

// A big flat button that shows its keypad key. It never takes keyboard focus, so the
// window keeps the keypad. ``active: false`` dims it; a press is still reported, so the
// view-model can say on screen why nothing was sent. ``horizontal`` puts the key cap
// left of the label (for low, wide rows such as the transfer picker).
Rectangle {
    id: button
    required property Theme theme
    property string label: ""
    property string keyCap: ""
    property string hint: ""
    property color tint: theme.recall
    property bool active: true
    property bool horizontal: false
    property real labelSize: 22
    signal pressed()

    radius: 10 * theme.u
    color: !active ? theme.disabled : area.pressed ? Qt.darker(tint, 1.25) : tint

    component Cap: Rectangle {
        id: cap
        property string text: ""
        property Theme theme
        width: capText.implicitWidth + 16 * cap.theme.u
        height: capText.implicitHeight + 6 * cap.theme.u
        radius: 5 * cap.theme.u
        color: Qt.rgba(1, 1, 1, 0.22)
        border.color: Qt.rgba(1, 1, 1, 0.6)
        Text {
            textFormat: Text.PlainText
            id: capText
            anchors.centerIn: parent
            text: cap.text
            font.family: cap.theme.font
            font.pixelSize: cap.theme.f(15)
            font.bold: true
            color: "white"
        }
    }

    Column {
        visible: !button.horizontal
        anchors.centerIn: parent
        width: parent.width - 16 * button.theme.u
        spacing: 4 * button.theme.u
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: button.label
            font.family: button.theme.font
            font.pixelSize: button.theme.f(button.labelSize)
            font.bold: true
            color: "white"
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        Cap {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: button.keyCap !== ""
            theme: button.theme
            text: button.keyCap
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            visible: button.hint !== ""
            text: button.hint
            font.family: button.theme.font
            font.pixelSize: button.theme.f(16)
            color: "white"
            opacity: 0.92
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            maximumLineCount: 3
            elide: Text.ElideRight
        }
    }

    Row {
        visible: button.horizontal
        anchors { left: parent.left; leftMargin: 14 * button.theme.u
                  verticalCenter: parent.verticalCenter }
        spacing: 14 * button.theme.u
        Cap {
            anchors.verticalCenter: parent.verticalCenter
            visible: button.keyCap !== ""
            theme: button.theme
            text: button.keyCap
        }
        Text {
            textFormat: Text.PlainText
            anchors.verticalCenter: parent.verticalCenter
            width: button.width - 140 * button.theme.u
            text: button.label
            font.family: button.theme.font
            font.pixelSize: button.theme.f(button.labelSize)
            font.bold: true
            color: "white"
            elide: Text.ElideRight
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: button.pressed()
    }
}
