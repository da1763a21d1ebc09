import QtQuick

// Hub down (red) above device and queue alerts (amber). Empty when all is well.
Column {
    id: banners
    required property Theme theme
    required property var view
    required property var vm
    spacing: 0

    Rectangle {
        objectName: "hubDownBanner"
        visible: banners.view.hubDown
        width: banners.width
        height: visible ? downCol.implicitHeight + 14 * banners.theme.u : 0
        color: banners.theme.danger
        Column {
            id: downCol
            x: 16 * banners.theme.u
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width - 32 * banners.theme.u
            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: "⚠  " + banners.view.hubDownText
                font.family: banners.theme.font
                font.pixelSize: banners.theme.f(26)
                font.bold: true
                color: "white"
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: banners.view.hubDownDetail
                font.family: banners.theme.font
                font.pixelSize: banners.theme.f(16)
                color: "white"
                elide: Text.ElideRight
            }
        }
    }

    Rectangle {
        objectName: "alertBanner"
        visible: alertRepeater.count > 0
        width: banners.width
        height: visible ? alertCol.implicitHeight + 12 * banners.theme.u : 0
        color: banners.theme.warn
        Column {
            id: alertCol
            x: 16 * banners.theme.u
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width - 32 * banners.theme.u
            Repeater {
                id: alertRepeater
                model: banners.vm.alertsModel
                delegate: Text {
                    required property string line
                    width: alertCol.width
                    text: "⚠  " + line
                    font.family: banners.theme.font
                    font.pixelSize: banners.theme.f(20)
                    font.bold: true
                    color: banners.theme.ink
                    elide: Text.ElideRight
                }
            }
            Text {
                textFormat: Text.PlainText
                visible: banners.view.alertsMore !== ""
                text: banners.view.alertsMore
                font.family: banners.theme.font
                font.pixelSize: banners.theme.f(15)
                color: banners.theme.ink
            }
        }
    }
}
