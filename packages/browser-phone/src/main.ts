import './style.css';
import { PhoneApp } from './app.js';
import { findPhoneElements } from './dom.js';

// The token Function sits beside the page on the same Functions service.
const TOKEN_URL = new URL('/voice-token', window.location.href).toString();

new PhoneApp(findPhoneElements(), TOKEN_URL).start();
