Attribute VB_Name = "SalesxlRibbon"
Option Explicit

' The salesxl ribbon: ONE callback for every button.
' The button's id (customUI.xml) is looked up in salesxl.ribbon.BUTTONS, an explicit
' dict in Python, so adding a button changes customUI.xml and Python, never this module.
' RunPython is xlwings' (module xlwings, PROJECT_NAME "salesxl": settings in salesxl.conf).

Sub OnAction(control As IRibbonControl)
    RunButton control.Id
End Sub

' What a button press runs, by the button's id: also what `python -m salesxl.addin smoke`
' runs through Application.Run, since a ribbon control cannot be made outside the ribbon.
Sub RunButton(buttonId As String)
    RunPython "import salesxl.ribbon; salesxl.ribbon.dispatch('" & buttonId & "')"
End Sub
